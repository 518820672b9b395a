import { join, resolve } from "node:path";
import { ConfigError } from "@vlmopt/core";
import { maskUrl, openPostgresStore, STORE_ENV, storeUrlFrom } from "@vlmopt/store-postgres";
import type { BenchIo } from "../io.js";
import { writeSuiteOutputs } from "../outputs.js";
import type { BenchWiring } from "../wiring.js";
import { enqueueSuite } from "./enqueue.js";
import type { FleetSpec } from "./fleet-spec.js";
import { resultsFromStore } from "./store-results.js";
import { MAX_CONCURRENCY, runWorker } from "./worker.js";

export const WORKER_NOTES = `A worker killed at any moment loses nothing: once its lease lapses, another worker resumes its runs from the stored events without repeating a finished LLM call or evaluation. --concurrency is at most ${MAX_CONCURRENCY}.`;

export const STATUS_NOTES = `The store is --queue, else --store, else ${STORE_ENV}.`;

/** The options of `worker`, as commander gives them. */
export interface WorkerValues {
  queue?: string;
  store?: string;
  concurrency?: string;
  dataRoot?: string;
  cacheDir?: string;
  exitWhenDone?: boolean;
  pollSeconds?: string;
}

/** The options of `status`. */
export interface StatusValues {
  queue?: string;
  store?: string;
  suiteKey?: string;
  json?: boolean;
}

const urlOf = (values: { queue?: string; store?: string }, env: BenchIo["env"]) => {
  const url = storeUrlFrom(values.queue ?? values.store, env, values.queue ? "--queue" : "--store");
  if (!url) {
    throw new ConfigError(`no store given: pass --queue postgres://… or set ${STORE_ENV}`, {
      hint: "e.g. --queue postgres://user:password@host:5432/vlmopt",
    });
  }
  return url;
};

const count = (name: string, value: string | undefined, fallback: number, min = 1): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min)
    throw new ConfigError(`--${name} is "${value}"; it must be a number ≥ ${min}`);
  return n;
};

/** `run --queue URL`: stores the grid and queues its items; workers run them. */
export async function enqueueCommand(
  io: BenchIo,
  url: string,
  suiteKey: string,
  spec: FleetSpec,
): Promise<number> {
  const r = await enqueueSuite(url, suiteKey, spec);
  io.stdout(
    `suite ${suiteKey}: ${r.items} items in ${r.shownUrl}; ${r.queued} queued, ${r.alreadyDone} already done\n` +
      `run workers with: vlmopt-bench worker --queue ${r.shownUrl} --concurrency 2\n` +
      `then: vlmopt-bench status --queue ${r.shownUrl}; vlmopt-bench report --store ${r.shownUrl} --suite-key ${suiteKey}\n`,
  );
  return 0;
}

export async function workerCommand(
  values: WorkerValues,
  io: BenchIo,
  wiring: BenchWiring,
  signal: AbortSignal | undefined,
): Promise<number> {
  const url = urlOf(values, io.env);
  const concurrency = count("concurrency", values.concurrency, 1);
  const summary = await runWorker({
    url,
    concurrency,
    wiring,
    env: io.env,
    ...(values.dataRoot ? { dataRoot: resolve(io.cwd, values.dataRoot) } : {}),
    ...(values.cacheDir ? { cacheDir: resolve(io.cwd, values.cacheDir) } : {}),
    ...(values.exitWhenDone ? { exitWhenDone: true } : {}),
    pollSeconds: count("poll-seconds", values.pollSeconds, 2, 0.5),
    log: (line) => io.stderr(`${line}\n`),
    ...(signal ? { signal } : {}),
  });
  io.stdout(`worker ${summary.owner}: ${summary.itemsFinished} items finished\n`);
  return 0;
}

const duration = (s: number | null) =>
  s === null
    ? "unknown"
    : s < 90
      ? `${Math.round(s)} s`
      : s < 5400
        ? `${Math.round(s / 60)} min`
        : `${(s / 3600).toFixed(1)} h`;

export async function statusCommand(values: StatusValues, io: BenchIo): Promise<number> {
  const url = urlOf(values, io.env);
  const store = await openPostgresStore(url, { max: 2, applicationName: "vlmopt-status" });
  try {
    const key = values.suiteKey;
    const total = await store.items.status(key);
    const keys = key ? [key] : (await store.items.suiteKeys()).map((s) => s.suiteKey);
    const suites = [];
    for (const k of keys) suites.push({ suiteKey: k, ...(await store.items.status(k)) });
    if (values.json) {
      io.stdout(`${JSON.stringify({ store: store.shownUrl, ...total, suites })}\n`);
      return 0;
    }
    const line = (name: string, s: typeof total) =>
      `${name}: ${s.queued} queued, ${s.running} running, ${s.done} done, ${s.failed} failed · $${s.costUsd.toFixed(4)} spent · ETA ${duration(s.etaSeconds)}`;
    io.stdout(
      `${store.shownUrl}\n${suites.map((s) => line(s.suiteKey, s)).join("\n")}\n${line("all", total)}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

/** `report --store URL --suite-key K [--out dir]`: the suite's outputs from the store's records. */
export async function storeReportCommand(
  io: BenchIo,
  url: string,
  suiteKey: string | undefined,
  out: string | undefined,
): Promise<number> {
  const store = await openPostgresStore(url, { max: 2, applicationName: "vlmopt-report" });
  try {
    const keys = (await store.items.suiteKeys()).map((s) => s.suiteKey);
    const key = suiteKey ?? (keys.length === 1 ? keys[0] : undefined);
    if (!key) {
      throw new ConfigError(`report --store needs --suite-key: ${maskUrl(url)} holds ${keys.length} suites`, {
        hint: keys.length ? `one of: ${keys.join(", ")}` : "enqueue one first with run --queue",
      });
    }
    const results = await resultsFromStore(store, key);
    const dir = resolve(io.cwd, out ?? join("bench-runs", key));
    await writeSuiteOutputs(dir, results);
    const done = results.records.filter((r) => r.status === "done").length;
    if (results.identity.meaningless) io.stdout(`WARNING: ${results.identity.meaningless}\n`);
    io.stdout(
      `${done} of ${results.records.length} runs and baselines finished (from ${store.shownUrl})\n` +
        `results: ${join(dir, "results.md")}\nreport:  ${join(dir, "report.html")}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
