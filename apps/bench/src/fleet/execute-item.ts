import {
  type Budget,
  type Dataset,
  DatasetFormatError,
  displayMessage,
  inReadmeForm,
  optimize,
  type RunEvent,
  type RunResult,
} from "@vlmopt/core";
import { isLeaseLost, type SuiteItem } from "@vlmopt/store-postgres";
import { curveFromEvents, spentInLog } from "../run-state.js";
import { recordOf, scoreBaseline, unmeasuredRecord } from "../run-suite.js";
import type { BenchRecord, SuiteStrategy } from "../types.js";
import { runKeyOf } from "./fleet-spec.js";
import type { SuiteContext } from "./suite-context.js";

/** What an item stores for the report: its records (a run's one, a dataset's baselines), or why its dataset is skipped. */
export interface ItemRecord {
  records: BenchRecord[];
  skippedDataset?: { dataset: string; reason: string };
  /** A dataset whose images failed the check before any run of it (the item is failed). */
  failedDataset?: { dataset: string; reason: string };
}

export interface ItemOutcome {
  state: "done" | "failed";
  record: ItemRecord;
  costUsd: number;
}

const one = (state: "done" | "failed", record: BenchRecord, costUsd: number): ItemOutcome => ({
  state,
  record: { records: [record] },
  costUsd,
});

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/** LLM calls answered in a log (each seq once). */
const callsInLog = (events: readonly RunEvent[]) =>
  new Set(events.filter((e) => e.type === "llm-reply").map((e) => (e as { seq: number }).seq)).size;

/** Runs one item of a suite (a run, resumed from its stored events if it has any, or the baselines). */
export async function executeItem(ctx: SuiteContext, item: SuiteItem, owner: string): Promise<ItemOutcome> {
  let loaded: Awaited<ReturnType<SuiteContext["dataset"]>>;
  try {
    loaded = await ctx.dataset(item.dataset);
  } catch (error) {
    // A corrupt image (checkSuiteImages) fails the item before anything is spent; retrying cannot help.
    if (!DatasetFormatError.isInstance(error)) throw error;
    const reason = displayMessage(error);
    ctx.settings.log(`error: ${item.itemKey}: ${reason}`);
    return {
      state: "failed",
      record: { records: [], failedDataset: { dataset: item.dataset, reason } },
      costUsd: 0,
    };
  }
  if ("reason" in loaded) {
    ctx.settings.log(`skip ${item.dataset}: ${loaded.reason}`);
    return {
      state: "done",
      record: { records: [], skippedDataset: { dataset: item.dataset, reason: loaded.reason } },
      costUsd: 0,
    };
  }
  const { encoder, llm } = await ctx.resolveModels();
  const suite = ctx.spec.suite;
  if (item.kind === "baselines") {
    const first = loaded.bySeed.get(suite.seeds[0] as number) as Dataset;
    const test = await ctx.featuresOf(encoder, ctx.runDataset(first).splits.test);
    const records: BenchRecord[] = [];
    for (const b of suite.baselines)
      records.push(await scoreBaseline(ctx.options, b, first, encoder, test, ctx.textCache));
    return { state: "done", record: { records }, costUsd: 0 };
  }
  const seed = item.seed as number;
  const strategy = suite.strategies.find((s) => s.method === item.method) as SuiteStrategy;
  const ds = loaded.bySeed.get(seed) as Dataset;
  const dataset = ctx.runDataset(ds);
  const runKey = runKeyOf(ctx.suiteKey, item.dataset, item.method, seed);
  const store = ctx.store.runStore(runKey, { suiteKey: ctx.suiteKey, itemKey: item.itemKey, owner });
  const label = `${item.dataset}/${item.method}/seed-${seed}`;
  const base = { dataset, strategy, seed };
  const unmeasured = (status: "skipped" | "error", reason: string): BenchRecord =>
    unmeasuredRecord({ dataset, strategy, seed, runDir: store.location }, status, reason);

  // A run that finished before its worker could record it is not redone.
  const saved = (await store.readJson("results")) as RunResult | null;
  if (saved && (saved.stop.kind === "completed" || saved.stop.kind === "budget")) {
    const log = await store.readLog();
    await ctx.budget.settle(item.itemKey, { usd: saved.usage.costUsd ?? 0, calls: saved.usage.llmCalls });
    return one("done", recordOf(base, store.location, saved, log.events, false), saved.usage.costUsd ?? 0);
  }

  const perRun = {
    usd: ctx.spec.budget.perRunUsd,
    calls: ctx.spec.budget.maxCallsPerRun ?? suite.runBudget.maxLlmCalls ?? null,
  };
  let reservation = await ctx.budget.reserve(item.itemKey, perRun);
  while (reservation === "wait" && !ctx.settings.signal?.aborted) {
    await sleep(500, ctx.settings.signal);
    reservation = await ctx.budget.reserve(item.itemKey, perRun);
  }
  if (reservation === "exhausted" || reservation === "wait") {
    ctx.settings.log(`${label}: not started, suite budget reached`);
    return one("done", unmeasured("skipped", "the suite's budget was reached"), 0);
  }
  const runBudget: Budget = { ...suite.runBudget };
  if (reservation.maxCalls !== null) runBudget.maxLlmCalls = reservation.maxCalls;
  if (reservation.maxUsd !== null) runBudget.maxUsd = reservation.maxUsd;
  const features = await ctx.splitsOf(encoder, ds);
  const resumed = (await store.readLog()).events.length > 0;
  ctx.settings.log(`${label}: ${resumed ? "resuming from the stored events" : "starting"}`);
  try {
    const s = await ctx.options.wiring.resolveStrategy(strategy.strategy, strategy.params, {
      datasetName: dataset.name,
    });
    const result = await optimize({
      strategy: s,
      llm,
      encoder,
      dataset,
      store,
      budget: runBudget,
      seed,
      features: {
        train: features.train,
        test: features.test,
        ...(features.val ? { val: features.val } : {}),
      },
      imageCache: ctx.store.features,
      textCache: ctx.textCache,
      ...(ctx.settings.signal ? { signal: ctx.settings.signal } : {}),
      manifestOptions: {
        app: "vlmopt-bench",
        suite: suite.name,
        method: strategy.method,
        suiteKey: ctx.suiteKey,
      },
    });
    if (result.stop.kind === "aborted") throw new Error("the worker was stopped");
    await ctx.budget.settle(item.itemKey, { usd: result.usage.costUsd ?? 0, calls: result.usage.llmCalls });
    const log = await store.readLog();
    const record = recordOf(base, store.location, result, log.events, false);
    ctx.settings.log(
      `${label}: ${record.stop} after ${record.llmCalls} LLM calls` +
        (record.testAccuracy !== null ? `, test ${(record.testAccuracy * 100).toFixed(1)}%` : ""),
    );
    return one(record.status === "error" ? "failed" : "done", record, result.usage.costUsd ?? 0);
  } catch (error) {
    // Stopped, or another worker holds the run now: leave it (and its reservation) to the next owner.
    if (ctx.settings.signal?.aborted || isLeaseLost(error)) throw error;
    const log = await store.readLog().catch(() => ({ events: [] as RunEvent[] }));
    const spent = spentInLog(log.events);
    await ctx.budget.settle(item.itemKey, { usd: spent, calls: callsInLog(log.events) });
    ctx.settings.log(`${label}: failed: ${displayMessage(error)}`);
    const record = unmeasured("error", inReadmeForm(displayMessage(error)));
    return one(
      "failed",
      { ...record, stop: "error", costUsd: spent, curve: curveFromEvents(log.events) },
      spent,
    );
  }
}
