import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, type Dataset } from "@vlmopt/core";
import { openPostgresStore, STORE_ENV, storeUrlFrom } from "@vlmopt/store-postgres";
import type { BenchIo } from "../io.js";
import { textTable } from "../timing.js";
import type { BenchRecord, SuiteSpec } from "../types.js";
import type { BenchWiring } from "../wiring.js";
import { enqueueSuite } from "./enqueue.js";
import type { FleetSpec } from "./fleet-spec.js";
import { SuiteContext } from "./suite-context.js";

export const PERF_FLEET_NOTES =
  "Features are extracted into the store before the first measurement, so each one times the runs alone (plus worker start-up). Prints a table, then one JSON line.";

/** The options of `perf fleet`, as commander gives them. */
export interface PerfFleetValues {
  store?: string;
  runs?: string;
  workers?: string;
  model?: string;
  dataRoot?: string;
}

/**
 * The load suite: `runs` cheap runs over EuroSAT 1-shot seeds 1 and 2 (CoOp ships lists for
 * seeds 1–3 only), as runs/2 copies of a 3-step random search: distinct run keys, real work each.
 */
function loadSuite(name: string, runs: number): SuiteSpec {
  const seeds = runs % 2 === 0 ? [1, 2] : [1];
  return {
    name,
    description: "fleet load benchmark",
    datasets: ["eurosat"],
    strategies: Array.from({ length: runs / seeds.length }, (_, i) => ({
      method: `random-${i + 1}`,
      label: `Random search #${i + 1}`,
      strategy: "random",
      params: { iterations: 3 },
    })),
    baselines: [],
    seeds,
    shots: 1,
    runBudget: {},
    maxTestImages: 100,
  };
}

export async function perfFleetCommand(
  values: PerfFleetValues,
  io: BenchIo,
  wiring: BenchWiring,
): Promise<number> {
  const url = storeUrlFrom(values.store, io.env);
  if (!url) throw new ConfigError(`perf fleet needs a store: --store postgres://… or ${STORE_ENV}`);
  const runs = Number(values.runs ?? 200);
  const workerCounts = (values.workers ?? "1,2,4").split(",").map(Number);
  if (
    !Number.isInteger(runs) ||
    runs < 1 ||
    workerCounts.some((w) => !Number.isInteger(w) || w < 1 || w > 16)
  )
    throw new ConfigError("--runs must be a whole number ≥ 1 and --workers whole numbers from 1 to 16");
  const modelSpec = values.model ?? "random:tiny";
  const dataRoot = join(io.cwd, values.dataRoot ?? "../shared/datasets");
  const stamp = Date.now().toString(36);
  const specOf = (name: string): FleetSpec => ({
    formatVersion: 1,
    suite: loadSuite(name, runs),
    modelSpec,
    llmSpec: "simulated",
    dataRoot,
    budget: { perRunUsd: null, suiteUsd: null, maxCallsPerRun: null, suiteCalls: null },
    offline: true,
    leaseSeconds: 60,
  });

  // Warm-up: every image set's features into the store, so measurements time the runs only.
  const store = await openPostgresStore(url, { max: 4, applicationName: "vlmopt-perf-fleet" });
  const rows: { workers: number; wallS: number; runsPerS: number; ratio: number; done: number }[] = [];
  try {
    io.stderr(`warm-up: features of the few-shot seeds into ${store.shownUrl}\n`);
    const warm = new SuiteContext(`perf-warm-${stamp}`, specOf("warm"), store, {
      wiring,
      env: io.env,
      log: (l) => io.stderr(`${l}\n`),
    });
    const loaded = await warm.dataset("eurosat");
    if ("reason" in loaded) throw new ConfigError(`perf fleet needs EuroSAT: ${loaded.reason}`);
    const { encoder } = await warm.resolveModels();
    for (const ds of loaded.bySeed.values()) await warm.splitsOf(encoder, ds as Dataset);

    const bin = fileURLToPath(new URL("./bin.js", import.meta.url));
    for (const w of workerCounts) {
      const suiteKey = `perf-fleet-${stamp}-w${w}`;
      await enqueueSuite(url, suiteKey, specOf(`perf-fleet-w${w}`));
      io.stderr(`${w} worker${w > 1 ? "s" : ""}: ${runs} runs ...\n`);
      const started = performance.now();
      const codes = await Promise.all(
        Array.from({ length: w }, () => {
          const child = spawn(
            process.execPath,
            [bin, "worker", "--queue", url, "--exit-when-done", "--poll-seconds", "0.5"],
            { env: { ...process.env }, stdio: ["ignore", "ignore", "pipe"] },
          );
          const err: string[] = [];
          child.stderr?.on("data", (d) => err.push(String(d)));
          return new Promise<{ code: number | null; err: string }>((r) =>
            child.on("exit", (code) => r({ code, err: err.join("") })),
          );
        }),
      );
      const wallS = (performance.now() - started) / 1000;
      const bad = codes.find((c) => c.code !== 0);
      if (bad) throw new Error(`a worker exited with ${bad.code}:\n${bad.err.slice(-2000)}`);
      const records = (await store.items.records(suiteKey)).flatMap(
        (r) => (r.record as { records: BenchRecord[] } | null)?.records ?? [],
      );
      const done = records.filter((r) => r.status === "done" && r.testAccuracy !== null).length;
      if (done !== runs) throw new Error(`${suiteKey}: ${done} of ${runs} runs have a result`);
      rows.push({ workers: w, wallS, runsPerS: runs / wallS, ratio: 0, done });
    }
  } finally {
    await store.close();
  }
  const base = rows.find((r) => r.workers === 1) ?? rows[0];
  for (const r of rows) r.ratio = base ? r.runsPerS / base.runsPerS : 1;
  io.stdout(
    `perf fleet — ${runs} runs (EuroSAT 1-shot, random search ×3 steps, model ${modelSpec}, LLM simulated) per row; worker processes on this machine\n${textTable(
      ["workers", "wall s", "runs/s", "ratio to 1 worker", "results"],
      rows.map((r) => [
        String(r.workers),
        r.wallS.toFixed(1),
        r.runsPerS.toFixed(2),
        r.ratio.toFixed(2),
        `${r.done}/${runs}`,
      ]),
    )}\n`,
  );
  io.stdout(`${JSON.stringify({ bench: "fleet", runs, model: modelSpec, llm: "simulated", rows })}\n`);
  return 0;
}
