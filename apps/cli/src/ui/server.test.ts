import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeToyRun } from "../browser-fixtures.js";
import { writeToyDataset } from "../fake-registry.js";
import { memoryIo } from "../io.js";
import { run } from "../main.js";
import { DirectoryRunSource } from "./directory-source.js";
import { startUiServer, type UiServer } from "./server.js";

/** GET with any Host header (fetch would not let a test set it). */
function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((ok, fail) => {
    const req = request(url, { headers }, (res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => ok({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", fail);
    req.end();
  });
}

let servers: UiServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

async function toyRoot(): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), "vlmopt-ui-server-"));
  writeToyDataset(join(cwd, "data"));
  await makeToyRun(cwd, "runs/a", { iterations: 2 });
  return join(cwd, "runs");
}

describe("the UI server", () => {
  it("serves runs read-only from 127.0.0.1 and refuses other Host names (DNS rebinding)", async () => {
    const root = await toyRoot();
    const s = await startUiServer({ source: new DirectoryRunSource(root), assetsDir: root });
    servers.push(s);
    expect(new URL(s.url).hostname).toBe("127.0.0.1");
    const list = await get(`${s.url}api/runs`);
    expect(list.status).toBe(200);
    expect(JSON.parse(list.body).map((r: { id: string }) => r.id)).toEqual(["a"]);
    expect(list.headers["content-security-policy"]).toContain("script-src 'self'");
    const view = JSON.parse((await get(`${s.url}api/run?id=a`)).body);
    expect(view.chart.proposals.length).toBeGreaterThan(0);
    expect(view.turns[0].messages[0].content).toContain("step 1:");
    expect((await get(`${s.url}api/runs`, { host: "evil.example:80" })).status).toBe(403);
    // The browser build is missing here: one clear error, not a crash.
    const js = await get(`${s.url}app.js`);
    expect(js.status).toBe(500);
    expect(js.body).toContain("rebuild @vlmopt/cli");
  });

  it("never reads outside the runs folder, not even through a symlink", async () => {
    const root = await toyRoot();
    const outside = mkdtempSync(join(tmpdir(), "vlmopt-ui-outside-"));
    mkdirSync(join(outside, "secret"));
    writeFileSync(join(outside, "secret", "manifest.json"), "{}");
    symlinkSync(join(outside, "secret"), join(root, "link"));
    const s = await startUiServer({ source: new DirectoryRunSource(root), assetsDir: root });
    servers.push(s);
    for (const id of ["link", "../secret", `${outside}/secret`, "a/../../x", "a\u0000"]) {
      expect((await get(`${s.url}api/run?id=${encodeURIComponent(id)}`)).status, id).toBe(404);
    }
    expect((await get(`${s.url}api/run?id=a`)).status).toBe(200);
  });

  it("binds beyond loopback only with a token, and then every request needs it", async () => {
    const root = await toyRoot();
    const source = new DirectoryRunSource(root);
    await expect(startUiServer({ source, assetsDir: root, host: "0.0.0.0" })).rejects.toThrow(
      /needs a token/,
    );
    const s = await startUiServer({ source, assetsDir: root, host: "0.0.0.0", token: "s3cret" });
    servers.push(s);
    const port = new URL(s.url).port;
    const base = `http://127.0.0.1:${port}/`;
    expect((await get(`${base}api/runs`)).status).toBe(401);
    expect((await get(`${base}api/runs?token=wrong`)).status).toBe(401);
    const first = await get(`${base}?token=s3cret`, { host: "my-box.lan" });
    expect(first.status).toBe(200);
    const cookie = String(first.headers["set-cookie"]).split(";")[0] as string;
    expect(cookie).toBe("vlmopt_ui_token=s3cret");
    expect((await get(`${base}api/runs`, { cookie })).status).toBe(200);
  });
});

describe("vlmopt ui", () => {
  it("prints its URL, serves until interrupted, and exits 0", async () => {
    const root = await toyRoot();
    const controller = new AbortController();
    const io = memoryIo({ cwd: join(root, ".."), signal: controller.signal });
    const done = run(["ui", "--runs", "runs", "--port", "0"], io);
    for (let i = 0; i < 100 && !io.outText.includes("http://"); i++)
      await new Promise((r) => setTimeout(r, 50));
    const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(io.outText)?.[0] as string;
    expect(url).toBeDefined();
    expect(io.outText).toContain("read-only");
    expect((await get(`${url}api/runs`)).status).toBe(200);
    controller.abort();
    await expect(done).resolves.toBe(0);
  });

  it("says what to do for a missing runs folder or a non-loopback host without a token", async () => {
    const root = await toyRoot();
    const missing = memoryIo({ cwd: root });
    expect(await run(["ui", "--runs", "nope"], missing)).not.toBe(0);
    expect(missing.errText).toContain("does not exist");
    expect(missing.errText).toContain("--runs");
    const open = memoryIo({ cwd: join(root, "..") });
    expect(await run(["ui", "--runs", "runs", "--host", "0.0.0.0", "--port", "0"], open)).not.toBe(0);
    expect(open.errText).toContain("needs a token");
    expect(open.errText).toContain("--token");
  });
});
