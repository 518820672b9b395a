import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { inReadmeForm } from "@vlmopt/cli-kit";
import {
  type Budget,
  CandidateScorer,
  type ClipEncoder,
  ConfigError,
  type Dataset,
  DatasetFormatError,
  displayMessage,
  type EmbeddingCache,
  extractFeatures,
  JsonlRunStore,
  type LlmProvider,
  MemoryEmbeddingCache,
  optimize,
  type RunResult,
  type SplitFeatures,
  sha256Hex,
} from "@vlmopt/core";
import { mapBounded } from "./bounded.js";
import { meaninglessReason } from "./labels.js";
import { writeSuiteOutputs } from "./outputs.js";
import type { PublishedTable } from "./published.js";
import { curveFromEvents, type RunState, readRunState, runFinished, spentInLog } from "./run-state.js";
import { skipReason } from "./skip-reason.js";
import { suiteResultsOf } from "./suite-aggregate.js";
import { SuiteBudget } from "./suite-budget.js";
import { type PlannedRun, planSuite, runDirOf } from "./suite-plan.js";
import { balancedSubset } from "./test-subset.js";
import type {
  BenchRecord,
  SkippedDataset,
  SuiteBaseline,
  SuiteIdentity,
  SuiteResults,
  SuiteSpec,
  SuiteStrategy,
} from "./types.js";
import type { BenchWiring } from "./wiring.js";

export interface SuiteBudgetOptions {
  perRunUsd: number | null;
  suiteUsd: number | null;
  maxCallsPerRun: number | null;
}

export interface RunSuiteOptions {
  suite: SuiteSpec;
  modelSpec: string;
  llmSpec: string;
  dataRoot: string;
  /** The suite directory: runs/, results.*, report.html. */
  outDir: string;
  parallel: number;
  budget: SuiteBudgetOptions;
  wiring: BenchWiring;
  env: Record<string, string | undefined>;
  /** Image-feature cache directory; default <outDir>/cache. */
  cacheDir?: string;
  offline?: boolean;
  /** Declares the CLIP backbone (e.g. "rn50") when the model id does not say it. */
  backbone?: string;
  /** The published table shown beside the results (default: the embedded one). */
  published?: PublishedTable;
  log: (line: string) => void;
  signal?: AbortSignal;
}

/** The record of a strategy run that measured nothing (skipped, or failed before a result). */
export function unmeasuredRecord(
  run: { dataset: Dataset; strategy: SuiteStrategy; seed: number; runDir: string },
  status: "skipped" | "error",
  reason: string,
): BenchRecord {
  return {
    dataset: run.dataset.name,
    method: run.strategy.method,
    methodLabel: run.strategy.label,
    kind: "strategy",
    seed: run.seed,
    status,
    reason,
    ...nothingMeasured(),
    runDir: run.runDir,
  };
}

/** The measured fields of a record before (or without) any measurement (fresh arrays each call). */
export const nothingMeasured = () =>
  ({
    testAccuracy: null,
    trainAccuracy: null,
    valAccuracy: null,
    llmCalls: 0,
    costUsd: 0,
    evaluations: 0,
    templates: [],
    curve: [],
  }) satisfies Partial<BenchRecord>;

export { runDirOf } from "./suite-plan.js";

/**
 * Runs a suite (resuming an interrupted one) and writes its outputs; returns what results.json
 * holds. Its phases: plan (planSuite: the grid as data), execute (each dataset's runs, at most
 * `parallel` at once: executeRuns) and aggregate (suiteResultsOf).
 */
export async function runSuite(o: RunSuiteOptions): Promise<SuiteResults> {
  const { suite, wiring, log } = o;
  const outDir = resolve(o.outDir);
  const dataRoot = resolve(o.dataRoot);
  // Datasets first: it is cheap, and a suite none of whose datasets loads writes nothing.
  const skippedDatasets: SkippedDataset[] = [];
  const loadedDatasets = new Map<string, Map<number, Dataset>>();
  for (const datasetName of suite.datasets) {
    if (o.signal?.aborted) break;
    const loaded = await loadSeeds(o, datasetName, dataRoot);
    if ("reason" in loaded) {
      skippedDatasets.push({ dataset: datasetName, reason: loaded.reason });
      log(`skip ${datasetName}: ${loaded.reason}`);
    } else loadedDatasets.set(datasetName, loaded.bySeed);
  }
  if (loadedDatasets.size === 0 && !o.signal?.aborted) {
    const n = suite.datasets.length;
    throw new DatasetFormatError(
      `${n === 1 ? "the dataset" : `none of the ${n} datasets`} of suite ${suite.name} (${suite.datasets.join(", ")}) can be loaded from ${dataRoot}; nothing was run or written`,
      {
        hint: "see the skip lines above; pass the --data-root that holds them (e.g. ../shared/datasets), or pick others with --datasets",
      },
    );
  }
  // Every image the suite's runs will use, before the model loads or the LLM is called.
  for (const [datasetName, bySeed] of loadedDatasets) {
    if (o.signal?.aborted) break;
    await checkSuiteImages(o, datasetName, [...bySeed.values()]);
  }
  const encoder = await wiring.resolveModel(o.modelSpec, {
    cacheDir: o.cacheDir,
    ...(o.offline ? { offline: true } : {}),
  });
  const llm = await wiring.resolveLlm(o.llmSpec, { env: o.env, cacheDir: join(outDir, "cache", "llm") });
  const budget = new SuiteBudget(o.budget.suiteUsd, o.budget.perRunUsd);
  if ((o.budget.suiteUsd !== null || o.budget.perRunUsd !== null) && !llm.price) {
    throw new ConfigError(`a USD budget was set but the price of ${o.llmSpec} is unknown`, {
      hint: "use --max-calls-per-run instead, or an LLM whose price vlmopt knows",
    });
  }
  const identity = identityOf(o, encoder, llm, suite);
  const notes: string[] = [];
  if (suite.maxTestImages !== undefined)
    notes.push(
      `test accuracy is measured on at most ${suite.maxTestImages} class-balanced test images per dataset`,
    );
  const records: BenchRecord[] = [];
  const results = (): SuiteResults =>
    suiteResultsOf({
      identity,
      records,
      skippedDatasets,
      budget: {
        perRunUsd: o.budget.perRunUsd,
        suiteUsd: o.budget.suiteUsd,
        maxCallsPerRun: o.budget.maxCallsPerRun,
      },
      spentUsd: llm.price ? budget.spentUsd : null,
      notes,
    });

  // Plan. Money already spent by earlier invocations counts against the suite cap before anything starts.
  const plan = planSuite(suite, outDir);
  const states = new Map<string, RunState>();
  for (const { runDir } of plan) {
    const state = await readRunState(runDir);
    states.set(runDir, state);
    if (state.kind === "finished") budget.addSpent(state.result.usage.costUsd ?? 0);
    if (state.kind === "partial") budget.addSpent(state.spentUsd);
  }

  const imageCache = await wiring.imageCache(join(o.cacheDir ?? join(outDir, "cache"), "features"));
  const textCache = new MemoryEmbeddingCache(200_000);

  for (const [datasetName, bySeed] of loadedDatasets) {
    if (o.signal?.aborted) break;
    const first = bySeed.get(suite.seeds[0] as number) as Dataset;
    const test = balancedSubset(first.splits.test, suite.maxTestImages);
    log(`${datasetName}: features of ${test.length} test images (${encoder.id})`);
    const testFeatures = await extractFeatures(encoder, test, {
      cache: imageCache,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const testKey = sha256Hex(JSON.stringify(test.map((t) => [t.path, t.label])));

    for (const b of suite.baselines)
      records.push(await scoreBaseline(o, b, first, encoder, testFeatures, textCache));

    const features = new Map<
      number,
      { train: SplitFeatures; val: SplitFeatures | null; test: SplitFeatures }
    >();
    for (const seed of suite.seeds) {
      const ds = bySeed.get(seed) as Dataset;
      const seedTest = balancedSubset(ds.splits.test, suite.maxTestImages);
      const sameTest = sha256Hex(JSON.stringify(seedTest.map((t) => [t.path, t.label]))) === testKey;
      const opts = { cache: imageCache, ...(o.signal ? { signal: o.signal } : {}) };
      features.set(seed, {
        train: await extractFeatures(encoder, ds.splits.train, opts),
        val: ds.splits.val.length > 0 ? await extractFeatures(encoder, ds.splits.val, opts) : null,
        test: sameTest ? testFeatures : await extractFeatures(encoder, seedTest, opts),
      });
    }
    // Execute (bounded).
    const planned = plan.filter((r) => r.dataset === datasetName);
    const runRecords = await executeRuns(o, planned, (run) => {
      const ds = bySeed.get(run.seed) as Dataset;
      const dataset: Dataset = {
        ...ds,
        splits: { ...ds.splits, test: balancedSubset(ds.splits.test, suite.maxTestImages) },
      };
      return {
        outDir,
        dataset,
        seed: run.seed,
        strategy: run.strategy,
        encoder,
        llm,
        budget,
        state: states.get(run.runDir) ?? { kind: "fresh" },
        features: features.get(run.seed) as {
          train: SplitFeatures;
          val: SplitFeatures | null;
          test: SplitFeatures;
        },
        imageCache,
        textCache,
      };
    });
    // Aggregate.
    records.push(...runRecords);
    await writeSuiteOutputs(outDir, results(), o.published);
  }
  const final = results();
  await writeSuiteOutputs(outDir, final, o.published);
  return final;
}

/** The execute phase of one dataset: its planned runs, at most `o.parallel` at once, in plan order. */
export function executeRuns(
  o: RunSuiteOptions,
  planned: readonly PlannedRun[],
  inputOf: (run: PlannedRun) => RunOneInput,
): Promise<BenchRecord[]> {
  return mapBounded(planned, o.parallel, (run) => runOne(o, inputOf(run)));
}

export function identityOf(
  o: RunSuiteOptions,
  encoder: ClipEncoder,
  llm: LlmProvider,
  suite: SuiteSpec,
): SuiteIdentity {
  const model = {
    spec: o.modelSpec,
    id: encoder.id,
    hash: encoder.modelHash,
    ...(encoder.warning ? { warning: encoder.warning } : {}),
  };
  return {
    suite: suite.name,
    model,
    llm: {
      spec: o.llmSpec,
      provider: llm.provider,
      modelId: llm.modelId,
      ...(llm.warning ? { warning: llm.warning } : {}),
    },
    meaningless: meaninglessReason(model),
    shots: suite.shots,
    seeds: [...suite.seeds],
    ...(o.backbone ? { backbone: o.backbone } : {}),
  };
}

/**
 * Checks the train, val and (class-balanced subset of the) test images of every seed of a dataset
 * with `wiring.checkImages` (dataset-loaders' checkRunImages), so a corrupt image stops the suite
 * before its first LLM call and before anything is written. Throws a DatasetFormatError that
 * names the dataset, and each bad file with its split.
 */
export async function checkSuiteImages(
  o: Pick<RunSuiteOptions, "suite" | "wiring" | "log" | "signal">,
  datasetName: string,
  seeds: readonly Dataset[],
): Promise<void> {
  const splits: Record<string, string[]> = { train: [], val: [], test: [] };
  for (const ds of seeds) {
    splits.train?.push(...ds.splits.train.map((i) => i.path));
    splits.val?.push(...ds.splits.val.map((i) => i.path));
    splits.test?.push(...balancedSubset(ds.splits.test, o.suite.maxTestImages).map((i) => i.path));
  }
  const total = new Set(Object.values(splits).flat()).size;
  if (total >= 1000)
    o.log(`${datasetName}: checking ${total.toLocaleString("en-US")} images (train, val, test)…`);
  try {
    await o.wiring.checkImages(splits, o.signal ? { signal: o.signal } : {});
  } catch (error) {
    if (o.signal?.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DatasetFormatError(`dataset ${datasetName}: ${message}`, {
      hint: "replace each bad image with a good copy, or leave the dataset out with --datasets; nothing was run or written",
      cause: error,
    });
  }
}

export async function loadSeeds(
  o: RunSuiteOptions,
  name: string,
  root: string,
): Promise<{ bySeed: Map<number, Dataset> } | { reason: string }> {
  const bySeed = new Map<number, Dataset>();
  for (const seed of o.suite.seeds) {
    let ds: Dataset;
    try {
      ds = await o.wiring.resolveDataset(name, { root, shots: o.suite.shots, seed });
    } catch (error) {
      return { reason: skipReason(error, name, root) };
    }
    if (ds.splits.train.length === 0)
      return { reason: `no ${o.suite.shots}-shot train split for seed ${seed} under ${root}` };
    if (ds.splits.test.length === 0) return { reason: `no test split under ${root}` };
    const probe = [ds.splits.train[0], ds.splits.test[0]].find((img) => img && !existsSync(img.path));
    if (probe) return { reason: `images not found under ${root} (missing ${probe.path})` };
    bySeed.set(seed, ds);
  }
  return { bySeed };
}

export async function scoreBaseline(
  o: RunSuiteOptions,
  b: SuiteBaseline,
  ds: Dataset,
  encoder: ClipEncoder,
  test: SplitFeatures,
  textCache: EmbeddingCache,
): Promise<BenchRecord> {
  const base: BenchRecord = {
    dataset: ds.name,
    method: b.method,
    methodLabel: b.label,
    kind: "baseline",
    seed: null,
    status: "done",
    ...nothingMeasured(),
  };
  try {
    const templates = Array.isArray(b.templates)
      ? [...b.templates]
      : await o.wiring.pool((b.templates as { pool: "hand-engineered" }).pool, ds.name);
    if (templates.length === 0) throw new ConfigError(`pool of baseline ${b.method} is empty for ${ds.name}`);
    const scorer = new CandidateScorer({
      encoder,
      classNames: ds.classNames,
      textCache,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const classes = await scorer.chosenEmbeddings(templates);
    const acc = scorer.score(classes, test);
    return { ...base, testAccuracy: acc.accuracy, evaluations: templates.length, templates };
  } catch (error) {
    return { ...base, status: "error", reason: inReadmeForm(displayMessage(error)) };
  }
}

interface RunOneInput {
  outDir: string;
  dataset: Dataset;
  seed: number;
  strategy: SuiteStrategy;
  encoder: ClipEncoder;
  llm: LlmProvider;
  budget: SuiteBudget;
  state: RunState;
  features: { train: SplitFeatures; val: SplitFeatures | null; test: SplitFeatures };
  imageCache: EmbeddingCache;
  textCache: EmbeddingCache;
}

export function recordOf(
  input: Pick<RunOneInput, "dataset" | "strategy" | "seed">,
  dir: string,
  result: RunResult,
  events: Parameters<typeof curveFromEvents>[0],
  reused: boolean,
): BenchRecord {
  const { chosen } = result;
  const stop = result.stop.kind === "budget" ? `budget:${result.stop.limit}` : result.stop.kind;
  const finished = runFinished(result);
  const noTemplate = result.stop.kind === "no-usable-template";
  return {
    dataset: input.dataset.name,
    method: input.strategy.method,
    methodLabel: input.strategy.label,
    kind: "strategy",
    seed: input.seed,
    status: finished && chosen?.testAccuracy != null && !noTemplate ? "done" : finished ? "error" : "skipped",
    ...(noTemplate ? { reason: "the LLM never produced a usable template" } : {}),
    ...(finished && !noTemplate && chosen?.testAccuracy == null
      ? { reason: "the run chose no template" }
      : {}),
    ...(!finished ? { reason: `run ${stop}; rerun the suite to resume it` } : {}),
    stop,
    ...(reused ? { reused: true } : {}),
    testAccuracy: chosen?.testAccuracy ?? null,
    trainAccuracy: chosen?.trainAccuracy ?? null,
    valAccuracy: chosen?.valAccuracy ?? null,
    llmCalls: result.usage.llmCalls,
    costUsd: result.usage.costUsd,
    evaluations: result.usage.evaluations,
    templates: chosen?.templates ?? [],
    ...(chosen?.prompts ? { prompts: chosen.prompts } : {}),
    curve: curveFromEvents(events),
    runDir: dir,
  };
}

async function runOne(o: RunSuiteOptions, input: RunOneInput): Promise<BenchRecord> {
  const { dataset, seed, strategy, state, budget } = input;
  const dir = runDirOf(input.outDir, dataset.name, strategy.method, seed);
  const label = `${dataset.name}/${strategy.method}/seed-${seed}`;
  const unmeasured = (status: "skipped" | "error", reason: string): BenchRecord =>
    unmeasuredRecord({ dataset, strategy, seed, runDir: dir }, status, reason);
  if (state.kind === "finished") {
    o.log(`${label}: finished earlier (${state.result.stop.kind}); not redone`);
    return recordOf(input, dir, state.result, state.events, true);
  }
  if (state.kind === "partial") budget.removeSpent(state.spentUsd);
  const reservation = await budget.reserve();
  if (reservation === "exhausted") {
    if (state.kind === "partial") budget.addSpent(state.spentUsd);
    o.log(`${label}: not started, suite budget reached`);
    return unmeasured("skipped", `suite budget of $${budget.capUsd} reached`);
  }
  const runBudget: Budget = { ...o.suite.runBudget };
  if (o.budget.maxCallsPerRun !== null) runBudget.maxLlmCalls = o.budget.maxCallsPerRun;
  if (reservation.maxUsd !== null) runBudget.maxUsd = reservation.maxUsd;
  const store = new JsonlRunStore(dir);
  o.log(`${label}: ${state.kind === "partial" ? "resuming" : "starting"}`);
  try {
    const s = await o.wiring.resolveStrategy(strategy.strategy, strategy.params, {
      datasetName: dataset.name,
    });
    const result = await optimize({
      strategy: s,
      llm: input.llm,
      encoder: input.encoder,
      dataset,
      store,
      budget: runBudget,
      seed,
      features: {
        train: input.features.train,
        test: input.features.test,
        ...(input.features.val ? { val: input.features.val } : {}),
      },
      imageCache: input.imageCache,
      textCache: input.textCache,
      ...(o.signal ? { signal: o.signal } : {}),
      manifestOptions: { app: "vlmopt-bench", suite: o.suite.name, method: strategy.method },
    });
    budget.settle(reservation, result.usage.costUsd);
    const log = await store.readLog();
    const record = recordOf(input, dir, result, log.events, false);
    o.log(
      `${label}: ${record.stop} after ${record.llmCalls} LLM calls` +
        (record.testAccuracy !== null ? `, test ${(record.testAccuracy * 100).toFixed(1)}%` : ""),
    );
    return record;
  } catch (error) {
    const log = await store.readLog().catch(() => ({ events: [] }));
    budget.settle(reservation, spentInLog(log.events));
    o.log(`${label}: failed: ${displayMessage(error)}`);
    return {
      // Kept in results.json, read later: commands in the README's form.
      ...unmeasured("error", inReadmeForm(displayMessage(error))),
      stop: "error",
      costUsd: spentInLog(log.events),
      curve: curveFromEvents(log.events),
    };
  } finally {
    store.close();
  }
}
