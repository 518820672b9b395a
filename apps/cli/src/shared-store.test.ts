import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPostgresStore } from "@vlmopt/store-postgres";
import { createTestDatabase, postgresTestSkipReason } from "@vlmopt/store-postgres/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeRegistry, writeToyDataset } from "./fake-registry.js";
import { memoryIo } from "./io.js";
import { run } from "./main.js";

const skip = await postgresTestSkipReason();
if (skip) console.warn(`CLI --store tests skipped: ${skip}`);

function machine() {
  const cwd = mkdtempSync(join(tmpdir(), "vlmopt-cli-store-"));
  writeToyDataset(join(cwd, "data"));
  return cwd;
}
const base = ["--dataset", "toy", "--data-root", "data", "--model", "random:tiny", "--strategy", "toy"];
const lines = (path: string) => readFileSync(path, "utf8").trim().split("\n").length;

describe.skipIf(skip !== null)("vlmopt --store postgres://… (real PostgreSQL)", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let url: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    const u = new URL(db.url);
    u.password = "cli-pw-hidden";
    url = u.toString();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("optimize keeps the run in the store; resume and report work from another machine's empty directory", async () => {
    const a = machine();
    const io = memoryIo({ cwd: a });
    const argv = ["optimize", ...base, "--llm", "scripted", "--iterations", "3", "--run-dir", "shared-run"];
    expect(await run([...argv, "--store", url], io, fakeRegistry())).toBe(0);
    expect(io.errText).toContain("store: postgres://postgres:***@");
    expect(io.errText + io.outText).not.toContain("cli-pw-hidden");
    const store = await openPostgresStore(url, { max: 1 });
    const stored = await store.runStore("shared-run").readLog();
    expect(stored.events.length).toBe(lines(join(a, "shared-run/events.jsonl")));
    expect(JSON.stringify(await store.runStore("shared-run").readManifest())).not.toContain("cli-pw-hidden");
    const before = JSON.parse(readFileSync(join(a, "shared-run/results.json"), "utf8"));

    // Machine B has no run directory: VLMOPT_STORE alone brings the run back; nothing is re-asked.
    const b = machine();
    const again = fakeRegistry();
    const io2 = memoryIo({ cwd: b, env: { VLMOPT_STORE: url } });
    expect(await run(["resume", "shared-run"], io2, again)).toBe(0);
    expect(again.llmCalls()).toBe(0);
    const after = JSON.parse(readFileSync(join(b, "shared-run/results.json"), "utf8"));
    expect(after.history).toEqual(before.history);
    expect(after.chosen).toEqual(before.chosen);

    const c = machine();
    expect(await run(["report", "shared-run", "--store", url], memoryIo({ cwd: c }), fakeRegistry())).toBe(0);
    expect(existsSync(join(c, "shared-run/report.html"))).toBe(true);
    await store.close();
  }, 120_000);

  it("a run started without the store moves into it, in order, when resumed with --store", async () => {
    const a = machine();
    const argv = ["optimize", ...base, "--llm", "scripted", "--iterations", "2", "--run-dir", "local-run"];
    expect(await run(argv, memoryIo({ cwd: a }), fakeRegistry())).toBe(0);
    const local = readFileSync(join(a, "local-run/events.jsonl"), "utf8").trim().split("\n");
    expect(await run(["resume", "local-run", "--store", url], memoryIo({ cwd: a }), fakeRegistry())).toBe(0);
    const store = await openPostgresStore(url, { max: 1 });
    const events = (await store.runStore("local-run").readLog()).events;
    expect(events.slice(0, local.length)).toEqual(local.map((l) => JSON.parse(l)));
    expect(events.length).toBe(lines(join(a, "local-run/events.jsonl")));
    await store.close();
  }, 120_000);

  it("eval and transfer read and write image features in the store; transfer's result is stored with the run", async () => {
    const store = await openPostgresStore(url, { max: 1 });
    const count = async () =>
      Number((await store.pool.query("SELECT count(*) AS n FROM vlmopt_features")).rows[0]?.n);
    await store.pool.query("DELETE FROM vlmopt_features"); // earlier tests stored these images' features
    const before = await count();
    const a = machine();
    const evalArgs = [
      "eval",
      "--dataset",
      "toy",
      "--data-root",
      "data",
      "--model",
      "random:tiny",
      "-t",
      "a {}.",
    ];
    expect(await run([...evalArgs, "--store", url, "--json"], memoryIo({ cwd: a }), fakeRegistry())).toBe(0);
    expect(await count()).toBeGreaterThan(before);
    const argv = ["optimize", ...base, "--llm", "scripted", "--iterations", "2", "--run-dir", "tr-run"];
    expect(await run([...argv, "--store", url], memoryIo({ cwd: a }), fakeRegistry())).toBe(0);
    const b = machine(); // transfer on a machine without the run directory
    const io = memoryIo({ cwd: b, env: { VLMOPT_STORE: url } });
    expect(await run(["transfer", "tr-run", "--model", "test:hash"], io, fakeRegistry()), io.errText).toBe(0);
    const doc = (await store.runStore("tr-run").readJson("transfer-test-hash")) as {
      templates: unknown[];
    } | null;
    expect(doc?.templates.length).toBeGreaterThan(0);
    await store.close();
  }, 120_000);

  it("a --store that is not a postgres:// URL is one clear error without its password", async () => {
    const io = memoryIo({ cwd: machine() });
    const code = await run(["report", "r", "--store", "mysql://u:pw-9999@h/db"], io, fakeRegistry());
    expect(code, io.errText).toBe(1); // the CLI's exit code for a bad setting
    expect(io.errText).toMatch(/--store is "mysql:\/\/u:\*\*\*@h\/db"/);
    expect(io.errText).not.toContain("pw-9999");
  });
});
