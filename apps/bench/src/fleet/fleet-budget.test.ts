/**
 * Fleet budgets against a real PostgreSQL: several workers share a suite's USD and call caps and
 * race for them; what the fleet spends, counted from the stored events, never exceeds either cap.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunEvent } from "@vlmopt/core";
import { tinyPng } from "@vlmopt/core/testing";
import { checkRunImages } from "@vlmopt/dataset-loaders";
import { FleetBudget, openPostgresStore } from "@vlmopt/store-postgres";
import { createTestDatabase, postgresTestSkipReason } from "@vlmopt/store-postgres/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../io.js";
import { run } from "../main.js";
import { smokeRunArgv, toyWiring, writeToyDataset } from "../test-doubles.js";
import type { BenchRecord, SuiteSpec } from "../types.js";
import { enqueueSuite } from "./enqueue.js";
import { type FleetSpec, runKeyOf } from "./fleet-spec.js";
import { runWorker } from "./worker.js";

const skip = await postgresTestSkipReason();
if (skip) console.warn(`fleet budget tests skipped: ${skip}`);

// $0.1 a token: a toy call costs about $1.2, its worst case (what is reserved against) about $6.
const PRICE = { inputPerMTok: 100_000, outputPerMTok: 100_000 };
const suite = (name: string, seeds: number): SuiteSpec => ({
  name,
  description: "budget race",
  datasets: ["toy"],
  strategies: [{ method: "toy", label: "Toy", strategy: "toy", params: {} }],
  baselines: [],
  seeds: Array.from({ length: seeds }, (_, i) => i + 1),
  shots: 1,
  runBudget: {},
});
const specOf = (s: SuiteSpec, root: string, budget: Partial<FleetSpec["budget"]>): FleetSpec => ({
  formatVersion: 1,
  suite: s,
  modelSpec: "test:hash",
  llmSpec: "scripted",
  dataRoot: root,
  budget: { perRunUsd: null, suiteUsd: null, maxCallsPerRun: null, suiteCalls: null, ...budget },
  leaseSeconds: 30,
});

describe.skipIf(skip !== null)("fleet budgets and commands (real PostgreSQL)", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const root = mkdtempSync(join(tmpdir(), "vlmopt-fleet-budget-"));
  beforeAll(async () => {
    db = await createTestDatabase();
    writeToyDataset(root, "toy");
    writeToyDataset(root, "eurosat");
    writeToyDataset(root, "oxford_flowers");
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  it("budget race: three workers never spend more than the suite's USD or call cap", async () => {
    const usd = specOf(suite("race-usd", 10), root, { suiteUsd: 10, perRunUsd: 7 });
    const calls = specOf(suite("race-calls", 10), root, { suiteCalls: 7, maxCallsPerRun: 2 });
    await enqueueSuite(db.url, "race-usd", usd);
    await enqueueSuite(db.url, "race-calls", calls);
    await Promise.all(
      [0, 1, 2].map(() =>
        runWorker({
          url: db.url,
          concurrency: 2,
          wiring: toyWiring({ price: PRICE, iterations: 3 }),
          env: {},
          exitWhenDone: true,
          pollSeconds: 0.5,
          log: () => {},
        }),
      ),
    );
    const store = await openPostgresStore(db.url, { max: 2 });
    try {
      const replies = async (key: string, s: SuiteSpec) => {
        const out: Extract<RunEvent, { type: "llm-reply" }>[] = [];
        for (const seed of s.seeds)
          for (const e of (await store.runStore(runKeyOf(key, "toy", "toy", seed)).readLog()).events)
            if (e.type === "llm-reply") out.push(e);
        return out;
      };
      const records = async (key: string) =>
        (await store.items.records(key)).flatMap((r) => (r.record as { records: BenchRecord[] }).records);

      // USD: the truth is the stored replies' cost.
      const usdReplies = await replies("race-usd", usd.suite);
      const spentUsd = usdReplies.reduce((s, e) => s + (e.usage.costUsd ?? 0), 0);
      expect(usdReplies.length).toBeGreaterThan(0);
      expect(spentUsd).toBeLessThanOrEqual(10);
      const usdRow = await new FleetBudget(store.pool, "race-usd").read();
      expect(usdRow?.spentUsd).toBeCloseTo(spentUsd, 9);
      expect(usdRow).toMatchObject({ reservedUsd: 0 });
      const usdRecords = await records("race-usd");
      // Runs whose share of what was left could not pay for one call's worst case stopped on the budget.
      expect(usdRecords.filter((r) => r.stop === "budget:maxUsd").length).toBeGreaterThan(0);
      expect(usdRecords.reduce((s, r) => s + (r.costUsd ?? 0), 0)).toBeCloseTo(spentUsd, 9);

      // Calls: 10 runs want 2 calls each; the fleet may make 7.
      const callReplies = await replies("race-calls", calls.suite);
      expect(callReplies.length).toBeLessThanOrEqual(7);
      expect(callReplies.length).toBeGreaterThanOrEqual(6);
      const callRecords = await records("race-calls");
      expect(callRecords.reduce((s, r) => s + r.llmCalls, 0)).toBe(callReplies.length);
      expect((await new FleetBudget(store.pool, "race-calls").read())?.spentCalls).toBe(callReplies.length);

      // status --json: the counts and the cost so far.
      const m = memoryIo();
      expect(await run(["status", "--queue", db.url, "--json"], m.io)).toBe(0);
      const status = JSON.parse(m.stdout());
      expect(status).toMatchObject({ queued: 0, running: 0, done: 20, failed: 0 });
      const callsSpent = callReplies.reduce((s, e) => s + (e.usage.costUsd ?? 0), 0);
      expect(status.costUsd).toBeCloseTo(spentUsd + callsSpent, 9);
      const perSuite = status.suites.find((s: { suiteKey: string }) => s.suiteKey === "race-usd");
      expect(perSuite).toMatchObject({ done: 10, failed: 0 });
      expect(perSuite.costUsd).toBeCloseTo(spentUsd, 9);
      expect(status.suites.map((s: { suiteKey: string }) => s.suiteKey).sort()).toEqual([
        "race-calls",
        "race-usd",
      ]);
    } finally {
      await store.close();
    }
  }, 120_000);

  it("run --store runs here and writes the report; report --store rebuilds it; a rerun redoes nothing", async () => {
    const url = new URL(db.url);
    url.password = "pw-never-shown";
    const out = join(root, "out");
    const argv = smokeRunArgv(root);
    const first = memoryIo();
    const code = await run([...argv, "--out", out, "--store", url.toString(), "--parallel", "2"], first.io, {
      wiring: toyWiring(),
    });
    expect(first.stderr()).not.toMatch(/^error/m);
    expect(code).toBe(0);
    expect(first.stdout()).toMatch(/12 of 12 runs and baselines finished/); // 2 datasets × (2 runs + 4 baselines)
    expect(first.stdout() + first.stderr()).not.toContain("pw-never-shown");
    expect(first.stdout()).toContain(":***@");

    const again = memoryIo({ VLMOPT_STORE: url.toString() });
    expect(await run([...argv, "--out", out], again.io, { wiring: toyWiring() })).toBe(0);
    expect(again.stdout()).toMatch(/0 queued, 6 already done/);
    expect(again.stderr()).not.toMatch(/starting|resuming/);

    const report = memoryIo();
    const dir = join(root, "from-store");
    expect(
      await run(
        ["report", "--store", url.toString(), "--suite-key", "smoke-test-hash-scripted", "--out", dir],
        report.io,
      ),
    ).toBe(0);
    expect(report.stdout()).toContain(join(dir, "report.html"));
  }, 120_000);

  it("a worker checks every image of its runs before the first LLM call: a corrupt one fails the item, naming file and split", async () => {
    const imgRoot = mkdtempSync(join(tmpdir(), "vlmopt-fleet-images-"));
    writeToyDataset(imgRoot, "toy");
    let shade = 0;
    for (const file of readdirSync(join(imgRoot, "toy")))
      writeFileSync(join(imgRoot, "toy", file), tinyPng(shade++));
    const corrupt = join(imgRoot, "toy", "test-2-1.img");
    writeFileSync(corrupt, "not an image");
    await enqueueSuite(db.url, "corrupt-image", specOf(suite("corrupt-image", 1), imgRoot, {}));
    const w = toyWiring();
    w.checkImages = (splits, options) => checkRunImages(splits, options);
    const logs: string[] = [];
    await runWorker({
      url: db.url,
      concurrency: 1,
      wiring: w,
      env: {},
      exitWhenDone: true,
      pollSeconds: 0.5,
      log: (text) => logs.push(text),
    });
    expect(w.llm.calls).toHaveLength(0);
    expect(w.encoder.imagesEncoded).toBe(0);
    expect(logs.join("\n")).toContain(`${corrupt} (test)`);
    const m = memoryIo();
    expect(await run(["status", "--queue", db.url, "--json"], m.io)).toBe(0);
    const perSuite = JSON.parse(m.stdout()).suites.find(
      (x: { suiteKey: string }) => x.suiteKey === "corrupt-image",
    );
    expect(perSuite).toMatchObject({ done: 0 });
    expect(perSuite.failed).toBeGreaterThan(0);
    rmSync(imgRoot, { recursive: true, force: true });
  }, 120_000);

  it("refuses a missing or non-PostgreSQL store with one clear error and no password", async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [["worker"], {}, /no store given: pass --queue postgres:\/\/… or set VLMOPT_STORE/],
      [["status", "--queue", "mysql://u:hunter22@h/db"], {}, /--queue is "mysql:\/\/u:\*\*\*@h\/db"/],
      [["status"], { VLMOPT_STORE: "redis://u:hunter22@h" }, /VLMOPT_STORE is/],
      [["report", "--store", db.url, "--suite-key", "nope"], {}, /suite nope is not in/],
      [["worker", "--queue", db.url, "--concurrency", "99"], {}, /--concurrency is 99/],
    ];
    for (const [argv, env, message] of cases) {
      const m = memoryIo(env);
      expect(await run(argv, m.io, { wiring: toyWiring() }), argv.join(" ")).toBe(2);
      expect(m.stderr()).toMatch(message);
      expect(m.stderr()).not.toContain("hunter22");
    }
  }, 60_000);
});
