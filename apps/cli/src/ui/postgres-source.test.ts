import { mkdtempSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPostgresStore } from "@vlmopt/store-postgres";
import { createTestDatabase, postgresTestSkipReason } from "@vlmopt/store-postgres/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeRegistry, writeToyDataset } from "../fake-registry.js";
import { memoryIo } from "../io.js";
import { run } from "../main.js";
import { buildRunView } from "../run-view/build-run-view.js";
import { readRunInput } from "../run-view/read-run-input.js";

const skip = await postgresTestSkipReason();
if (skip) console.warn(`vlmopt ui --store tests skipped: ${skip}`);

const getJson = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & unknown[] };
};

/** Collects the `change` events of the UI's event stream until `stop` is called. */
function changes(url: string): { seen: string[][]; stop(): void } {
  const seen: string[][] = [];
  let buffer = "";
  const req = request(`${url}api/events`, (res) => {
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      buffer += chunk;
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const data = /^event: change\ndata: (.*)$/m.exec(buffer.slice(0, end))?.[1];
        if (data) seen.push((JSON.parse(data) as { runs: string[] }).runs);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
      }
    });
  });
  req.on("error", () => {});
  req.end();
  return { seen, stop: () => req.destroy() };
}

async function until(ok: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(skip !== null)("vlmopt ui --store postgres://… (real PostgreSQL)", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let url: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    const u = new URL(db.url);
    u.password = "ui-pw-hidden";
    url = u.toString();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("lists the store's runs with their values, serves a run's page data and pushes a live update on append", async () => {
    // A finished run, written to the store by optimize --store (the run directory mirrors it).
    const cwd = mkdtempSync(join(tmpdir(), "vlmopt-ui-store-"));
    writeToyDataset(join(cwd, "data"));
    const optimize = [
      ...[
        "optimize",
        "--dataset",
        "toy",
        "--data-root",
        "data",
        "--model",
        "random:tiny",
        "--strategy",
        "toy",
      ],
      ...["--llm", "scripted", "--iterations", "3", "--run-dir", "done-run", "--store", url],
    ];
    expect(await run(optimize, memoryIo({ cwd }), fakeRegistry())).toBe(0);
    // A transfer result, stored with the run (transfer-test-hash): the page shows it too.
    const transfer = ["transfer", "done-run", "--model", "test:hash", "--store", url];
    expect(await run(transfer, memoryIo({ cwd }), fakeRegistry())).toBe(0);
    const results = JSON.parse(readFileSync(join(cwd, "done-run/results.json"), "utf8"));
    const store = await openPostgresStore(url, { max: 1 });
    const done = store.runStore("done-run");
    const events = (await done.readLog()).events;
    // A second run still going: the first events only; the rest arrive while the UI watches.
    const live = store.runStore("live-run");
    await live.writeManifest(
      (await done.readManifest()) as NonNullable<Awaited<ReturnType<typeof done.readManifest>>>,
    );
    const cut = events.findIndex((e) => e.type === "step-end") + 1;
    for (const e of events.slice(0, cut)) await live.append(e);

    const controller = new AbortController();
    const io = memoryIo({ cwd, env: { VLMOPT_STORE: url }, signal: controller.signal });
    const serving = run(["ui", "--port", "0"], io);
    await until(() => io.outText.includes("http://") || io.errText.length > 0, "the UI's URL");
    const base = /http:\/\/127\.0\.0\.1:\d+\//.exec(io.outText)?.[0] as string;
    expect(base, io.errText).toBeDefined();
    expect(io.outText).toContain("runs in postgres://postgres:***@");
    expect(io.outText + io.errText).not.toContain("ui-pw-hidden");
    try {
      const source = await getJson(`${base}api/source`);
      expect(String(source.body.location)).not.toContain("ui-pw-hidden");

      const list = (await getJson(`${base}api/runs`)).body as unknown as {
        id: string;
        status: { state: string };
        llmCalls: number;
        scored: number;
        bestTrain: number | null;
        chosenTest: number | null;
        dataset: string;
      }[];
      expect(list.map((r) => r.id)).toEqual(["done-run", "live-run"]);
      const doneRow = list[0] as (typeof list)[number];
      expect(doneRow.dataset).toBe("toy");
      expect(doneRow.status.state).toBe("finished");
      expect(doneRow.llmCalls).toBe(events.filter((e) => e.type === "llm-reply").length);
      expect(doneRow.scored).toBe(results.history.length);
      expect(doneRow.chosenTest).toBeCloseTo(results.chosen.testAccuracy, 10);
      const liveBefore = list[1] as (typeof list)[number];
      expect(liveBefore.status.state).not.toBe("finished");
      expect(liveBefore.scored).toBeLessThan(doneRow.scored);

      const page = await getJson(`${base}api/run?id=done-run`);
      expect(page.status).toBe(200);
      // The same page as the run directory's (the store and the directory hold the same run).
      const fromDir = buildRunView(await readRunInput(join(cwd, "done-run"), "done-run"));
      expect(fromDir.transfers.length).toBe(1);
      expect(page.body).toEqual(JSON.parse(JSON.stringify(fromDir)));
      const view = page.body as unknown as { chart: { proposals: unknown[] }; turns: unknown[] };
      expect(view.chart.proposals.length).toBeGreaterThan(0);
      expect(view.turns.length).toBeGreaterThan(0);
      expect((await getJson(`${base}api/run?id=no-such-run`)).status).toBe(404);

      // Live: appending the rest of the events is announced on the event stream and shown.
      const stream = changes(base);
      await new Promise((r) => setTimeout(r, 1500)); // the stream is open and the watcher has polled
      for (const e of events.slice(cut)) await live.append(e);
      await until(() => stream.seen.some((runs) => runs.includes("live-run")), "a change event for live-run");
      stream.stop();
      expect(stream.seen.flat()).not.toContain("done-run");
      const after = (await getJson(`${base}api/runs`)).body as unknown as typeof list;
      const liveAfter = after.find((r) => r.id === "live-run") as (typeof list)[number];
      expect(liveAfter.scored).toBe(doneRow.scored);
      expect(liveAfter.llmCalls).toBe(doneRow.llmCalls);
    } finally {
      controller.abort();
      await store.close();
    }
    await expect(serving).resolves.toBe(0);
  }, 120_000);
});

describe("vlmopt ui --store, bad input", () => {
  it("says what to do for a --store that is not a PostgreSQL URL, without printing it", async () => {
    const io = memoryIo({ cwd: tmpdir() });
    expect(await run(["ui", "--store", "mysql://u:secret-pw@h/db", "--port", "0"], io)).not.toBe(0);
    expect(io.errText).toContain("postgres://");
    expect(io.errText).not.toContain("secret-pw");
  });

  it("an explicit --runs wins over VLMOPT_STORE (the folder is shown, the store is not opened)", async () => {
    const io = memoryIo({ cwd: tmpdir(), env: { VLMOPT_STORE: "postgres://u:secret-pw@127.0.0.1:1/none" } });
    expect(await run(["ui", "--runs", "no-such-folder", "--port", "0"], io)).not.toBe(0);
    expect(io.errText).toContain("no-such-folder does not exist");
    expect(io.errText).not.toContain("secret-pw");
  });
});
