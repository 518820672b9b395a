/**
 * The fleet against a real PostgreSQL: two `vlmopt-bench worker` processes, one SIGKILLed in the
 * middle of a run. The suite still completes, every run's result equals a single-process run of
 * the same seed, and every run's events are there exactly once.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { JsonlRunStore, type RunEvent } from "@vlmopt/core";
import { openPostgresStore } from "@vlmopt/store-postgres";
import { createTestDatabase, postgresTestSkipReason } from "@vlmopt/store-postgres/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDirOf, runSuite } from "../run-suite.js";
import type { BenchRecord, SuiteSpec } from "../types.js";
import { createDefaultWiring } from "../wiring.js";
import { enqueueSuite } from "./enqueue.js";
import { type FleetSpec, runKeyOf } from "./fleet-spec.js";

const repoRoot = resolve(import.meta.dirname, "../../../..");
const SHARED = resolve(repoRoot, "../shared");
const BIN = join(repoRoot, "apps/bench/dist/bin.js");
const hasShared = existsSync(join(SHARED, "datasets", "eurosat"));
if (!hasShared) console.warn(`fleet kill test skipped: ${SHARED} is absent (the shared offline datasets)`);
const pgSkip = await postgresTestSkipReason();
if (pgSkip) console.warn(`fleet kill test skipped: ${pgSkip}`);

const PASSWORD = "s3cretPw-kill";
const suite: SuiteSpec = {
  name: "kill",
  description: "kill test",
  datasets: ["eurosat"],
  strategies: [
    {
      method: "hill-climb-pn",
      label: "Hill-climb (P+N)",
      strategy: "hill-climb-pn",
      params: { iterations: 8, pool: "basic" },
    },
    { method: "random", label: "Random search", strategy: "random", params: { iterations: 8 } },
  ],
  baselines: [{ method: "a-photo-of", label: '"a photo of a {}."', templates: ["a photo of a {}."] }],
  seeds: [1, 2],
  shots: 1,
  runBudget: {},
  maxTestImages: 100,
};
const comparable = (r: BenchRecord) => ({
  dataset: r.dataset,
  method: r.method,
  seed: r.seed,
  status: r.status,
  stop: r.stop,
  testAccuracy: r.testAccuracy,
  trainAccuracy: r.trainAccuracy,
  valAccuracy: r.valAccuracy,
  llmCalls: r.llmCalls,
  evaluations: r.evaluations,
  templates: r.templates,
  curve: r.curve,
});
/**
 * Events per type, as events.jsonl would hold them after a kill: run-start once more per resume;
 * run-end once more if the worker died after writing it but before the results (the resumed run
 * replays to the same end); and an LLM call in flight when its worker died (llm-request without its
 * llm-reply) asked again, so llm-request counts once per call (seq), checked by `calls` below.
 */
const counts = (events: readonly RunEvent[]) => {
  const out: Record<string, number> = {};
  const seqs = new Set<number>();
  for (const e of events) {
    if (e.type === "run-start" || e.type === "run-end") continue;
    if (e.type === "llm-request") {
      if (seqs.has(e.seq)) continue;
      seqs.add(e.seq);
    }
    out[e.type] = (out[e.type] ?? 0) + 1;
  }
  return out;
};
/** Each call answered exactly once; a call asked twice only because its first ask had no reply. */
const calls = (events: readonly RunEvent[]) => {
  const replied = new Set<number>();
  const asked = new Set<number>();
  for (const e of events) {
    if (e.type === "llm-reply") {
      if (replied.has(e.seq)) return `call ${e.seq} answered twice`;
      replied.add(e.seq);
    }
    if (e.type === "llm-request") {
      if (asked.has(e.seq) && replied.has(e.seq)) return `call ${e.seq} asked again after its reply`;
      asked.add(e.seq);
    }
  }
  return "ok";
};

describe.skipIf(!hasShared || pgSkip !== null)("fleet: SIGKILL a worker mid-run (real PostgreSQL)", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const work = mkdtempSync(join(tmpdir(), "vlmopt-fleet-kill-"));
  beforeAll(async () => {
    db = await createTestDatabase();
    if (!existsSync(BIN)) {
      execFileSync(
        "npx",
        ["turbo", "run", "build", "--filter=@vlmopt/bench...", "--output-logs=errors-only"],
        {
          cwd: repoRoot,
          env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
          stdio: "inherit",
        },
      );
    }
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it("completes the suite with every run equal to a single-process run and no event lost or doubled", async () => {
    const url = new URL(db.url);
    url.password = PASSWORD; // the test server trusts 127.0.0.1; the password must still never show
    const storeUrl = url.toString();
    const dataRoot = join(SHARED, "datasets");
    const cacheDir = join(work, "cache");

    // The reference: the same suite run by one process with the file store.
    const refDir = join(work, "reference");
    const reference = await runSuite({
      suite,
      modelSpec: "random:tiny",
      llmSpec: "simulated",
      dataRoot,
      outDir: refDir,
      parallel: 1,
      budget: { perRunUsd: null, suiteUsd: null, maxCallsPerRun: null },
      wiring: createDefaultWiring(),
      env: {},
      cacheDir,
      offline: true,
      log: () => {},
    });

    const spec: FleetSpec = {
      formatVersion: 1,
      suite,
      modelSpec: "random:tiny",
      llmSpec: "simulated",
      dataRoot,
      budget: { perRunUsd: null, suiteUsd: null, maxCallsPerRun: null, suiteCalls: null },
      offline: true,
      leaseSeconds: 3,
    };
    const suiteKey = "kill-random-tiny-simulated";
    const enq = await enqueueSuite(storeUrl, suiteKey, spec);
    expect(enq.queued).toBe(5); // 2 strategies × 2 seeds + the dataset's baselines

    const logs = new Map<number, string[]>();
    const start = () => {
      const child = spawn(
        process.execPath,
        [
          BIN,
          "worker",
          "--queue",
          storeUrl,
          "--exit-when-done",
          "--poll-seconds",
          "0.5",
          "--cache-dir",
          cacheDir,
        ],
        { cwd: repoRoot, env: { ...process.env, VLMOPT_STORE: "" }, stdio: ["ignore", "pipe", "pipe"] },
      );
      const lines: string[] = [];
      logs.set(child.pid as number, lines);
      child.stdout?.on("data", (d) => lines.push(String(d)));
      child.stderr?.on("data", (d) => lines.push(String(d)));
      const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
      return { child, exited };
    };
    const workers = [start(), start()];

    // Kill whichever worker is first seen in the middle of a run: some events stored, no run-end yet.
    const store = await openPostgresStore(storeUrl, { max: 2 });
    let victim: { child: ChildProcess; itemKey: string } | null = null;
    const deadline = Date.now() + 120_000;
    while (!victim && Date.now() < deadline) {
      const { rows } = await store.pool.query<{
        item_key: string;
        lease_owner: string;
        n: string;
        ended: boolean;
      }>(
        `SELECT i.item_key, i.lease_owner,
                (SELECT count(*) FROM vlmopt_events e WHERE e.run_key = $2 || '/' || i.item_key) AS n,
                EXISTS (SELECT 1 FROM vlmopt_events e WHERE e.run_key = $2 || '/' || i.item_key
                         AND e.event->>'type' = 'run-end') AS ended
           FROM vlmopt_suite_items i WHERE i.suite_key = $1 AND i.state = 'running' AND i.kind = 'run'`,
        [suiteKey, suiteKey],
      );
      const mid = rows.find((r) => Number(r.n) >= 4 && !r.ended);
      const w = mid && workers.find((x) => mid.lease_owner.includes(`:${x.child.pid}:`));
      if (mid && w) {
        w.child.kill("SIGKILL");
        victim = { child: w.child, itemKey: mid.item_key };
      } else await new Promise((r) => setTimeout(r, 10));
    }
    expect(victim, "a worker was caught in the middle of a run").not.toBeNull();
    const survivor = workers.find((w) => w.child !== victim?.child) as (typeof workers)[number];
    const code = await Promise.race([
      survivor.exited,
      new Promise<string>((r) => setTimeout(() => r("timeout"), 150_000)),
    ]);
    if (code === "timeout") survivor.child.kill("SIGKILL");
    const allLogs = [...logs.values()].map((l) => l.join("")).join("\n");
    expect(code, allLogs).toBe(0);

    const status = await store.items.status(suiteKey);
    expect(status).toMatchObject({ queued: 0, running: 0, done: 5, failed: 0 });
    // The killed run was resumed by the survivor from the stored events.
    expect(allLogs).toMatch(/resuming from the stored events/);

    // Every run: the same result as the single-process run, the same events, none doubled or lost.
    const records = (await store.items.records(suiteKey)).flatMap(
      (r) => (r.record as { records: BenchRecord[] }).records,
    );
    const refRuns = reference.records.filter((r) => r.kind === "strategy");
    expect(
      records
        .filter((r) => r.kind === "strategy")
        .map(comparable)
        .sort(byKey),
    ).toEqual(refRuns.map(comparable).sort(byKey));
    expect(records.filter((r) => r.kind === "baseline").map((r) => r.testAccuracy)).toEqual(
      reference.records.filter((r) => r.kind === "baseline").map((r) => r.testAccuracy),
    );
    let resumedRuns = 0;
    for (const seed of suite.seeds)
      for (const s of suite.strategies) {
        const fileStore = new JsonlRunStore(runDirOf(refDir, "eurosat", s.method, seed));
        const refEvents = (await fileStore.readLog()).events;
        fileStore.close();
        const events = (await store.runStore(runKeyOf(suiteKey, "eurosat", s.method, seed)).readLog()).events;
        const shown = (c: Record<string, number>) => JSON.stringify(Object.entries(c).sort());
        expect(shown(counts(events)), `${s.method}/seed-${seed}`).toBe(shown(counts(refEvents)));
        expect(calls(events), `${s.method}/seed-${seed}`).toBe("ok");
        const ends = events.filter((e) => e.type === "run-end");
        expect(ends.length).toBeGreaterThanOrEqual(1);
        expect(events[events.length - 1]).toEqual({
          ...refEvents[refEvents.length - 1],
          time: expect.any(String),
        });
        for (const e of ends) expect(e).toMatchObject({ stop: { kind: "completed" } });
        const starts = events.filter((e) => e.type === "run-start");
        if (starts.length > 1) resumedRuns++;
        expect(starts.slice(1).every((e) => e.type === "run-start" && e.resumed)).toBe(true);
      }
    expect(resumedRuns).toBeGreaterThanOrEqual(1);
    const killed = (await store.runStore(`${suiteKey}/${victim?.itemKey}`).readLog()).events;
    expect(killed.filter((e) => e.type === "run-start").length).toBeGreaterThanOrEqual(2);

    // The password is nowhere: not in the workers' output, nor in anything stored.
    expect(allLogs).not.toContain(PASSWORD);
    const { rows } = await store.pool.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM vlmopt_events WHERE event::text LIKE $1)
            + (SELECT count(*) FROM vlmopt_runs WHERE manifest::text LIKE $1)
            + (SELECT count(*) FROM vlmopt_documents WHERE value::text LIKE $1)
            + (SELECT count(*) FROM vlmopt_suite_items WHERE record::text LIKE $1)
            + (SELECT count(*) FROM vlmopt_suites WHERE spec::text LIKE $1 OR identity::text LIKE $1) AS n`,
      [`%${PASSWORD}%`],
    );
    expect(Number(rows[0]?.n)).toBe(0);
    await store.close();
  }, 300_000);
});

const byKey = (a: { method: string; seed: number | null }, b: { method: string; seed: number | null }) =>
  `${a.method}/${a.seed}`.localeCompare(`${b.method}/${b.seed}`);
