import { isAbsolute, join, resolve } from "node:path";
import {
  type Budget,
  type ClipEncoder,
  ConfigError,
  type Dataset,
  type EmbeddingCache,
  type LabeledImage,
  type LlmProvider,
  type ModelPrice,
  type SearchStrategy,
  validateBudget,
} from "@vlmopt/core";
import { llmPrefixOf, type Registry, type ResolveModelOptions } from "@vlmopt/registry";
import type { Settings } from "./config.js";
import { datasetArgOf } from "./dataset-arg.js";
import { fewshotOptions, loadDatasetFor, readableDatasetError } from "./dataset-load.js";
import type { CliIo } from "./io.js";
import { SETTINGS } from "./options.js";
import { invalidValue, UsageError } from "./usage-error.js";

export function str(settings: Settings, key: string): string | undefined {
  const v = settings[key];
  return typeof v === "string" ? v : undefined;
}

export function num(settings: Settings, key: string): number | undefined {
  const v = settings[key];
  return typeof v === "number" ? v : undefined;
}

/** A required setting, or a usage error that says how to give it. */
export function required(
  settings: Settings,
  key: string,
  flag: string,
  example: string,
  command: string,
): string {
  const v = str(settings, key);
  if (v === undefined) throw new UsageError(`missing --${flag} (e.g. --${flag} ${example})`, command);
  return v;
}

export function absolutePath(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

export { checkDatasetName, dataRootOf } from "./dataset-arg.js";

/** An unknown --strategy is a usage error (exit 2) listing the strategies. */
export async function checkStrategyName(registry: Registry, name: string): Promise<void> {
  const known = (await registry.listStrategies()).map((s) => s.name);
  if (known.length > 0 && !known.includes(name)) {
    throw invalidValue("--strategy", name, `one of: ${known.join(", ")}`);
  }
}

/** An --llm whose prefix no provider entry owns is a usage error (exit 2) listing the spec forms. */
export function checkLlmProvider(registry: Registry, spec: string): void {
  const forms = registry.listLlms();
  const prefix = llmPrefixOf(spec);
  if (!forms.some((e) => e.prefix === prefix)) {
    throw invalidValue("--llm", spec, `one of: ${forms.map((e) => e.name).join(", ")}`);
  }
}

/** n images spread evenly over a split (deterministic), so every class stays represented. */
export function spreadSubset(images: readonly LabeledImage[], n: number): LabeledImage[] {
  if (n >= images.length) return images.slice();
  const out: LabeledImage[] = [];
  for (let i = 0; i < n; i++) out.push(images[Math.floor((i * images.length) / n)] as LabeledImage);
  return out;
}

export function withTestLimit(dataset: Dataset, limit: number | undefined): Dataset {
  if (limit === undefined || limit >= dataset.splits.test.length) return dataset;
  return { ...dataset, splits: { ...dataset.splits, test: spreadSubset(dataset.splits.test, limit) } };
}

export function priceOf(settings: Settings): ModelPrice | undefined {
  const inp = num(settings, "priceIn");
  const out = num(settings, "priceOut");
  if (inp === undefined && out === undefined) return undefined;
  if (inp === undefined || out === undefined) {
    throw new ConfigError("only one of --price-in / --price-out was given", {
      hint: "give both, in USD per million tokens",
    });
  }
  return { inputPerMTok: inp, outputPerMTok: out };
}

/** A USD budget needs the LLM's price: a ConfigError saying what to pass when it is unknown. */
export function checkBudgetPrice(
  budget: Budget,
  price: ModelPrice | null | undefined,
  llmSpec: string,
): void {
  if (budget.maxUsd === undefined || price) return;
  throw new ConfigError(`--budget-usd ${budget.maxUsd} was given but the price of ${llmSpec} is unknown`, {
    hint: "give --price-in and --price-out (USD per million tokens), or limit with --max-calls / --max-tokens",
  });
}

export function budgetOf(settings: Settings): Budget {
  const b: Budget = {};
  const calls = num(settings, "maxCalls");
  const tokens = num(settings, "maxTokens");
  const usd = num(settings, "budgetUsd");
  const evals = num(settings, "maxEvaluations");
  if (calls !== undefined) b.maxLlmCalls = calls;
  if (tokens !== undefined) b.maxTokens = tokens;
  if (usd !== undefined) b.maxUsd = usd;
  if (evals !== undefined) b.maxEvaluations = evals;
  return validateBudget(b);
}

/**
 * `--iterations 0` (or `--param iterations=0`) would run no optimization step and still print
 * "completed": a usage error instead.
 */
export function checkIterations(params: Record<string, unknown>, command: string): void {
  if (params.iterations === 0) {
    throw new UsageError(
      "--iterations 0 would run no optimization step (no LLM call); give --iterations 1 or more",
      command,
    );
  }
}

/** Strategy parameters from the named flags and `--param name=value` (repeatable). */
export function strategyParams(settings: Settings): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const entry of (settings.param as string[] | undefined) ?? []) {
    const eq = entry.indexOf("=");
    if (eq <= 0) {
      throw new UsageError(
        `--param ${JSON.stringify(entry)} is not name=value (e.g. --param poolSize=20)`,
        "optimize",
      );
    }
    const name = entry.slice(0, eq).trim();
    const text = entry.slice(eq + 1).trim();
    out[name] =
      text === "true"
        ? true
        : text === "false"
          ? false
          : text === "null"
            ? null
            : text !== "" && Number.isFinite(Number(text))
              ? Number(text)
              : text;
  }
  for (const key of ["iterations", "k", "templatesPerCall", "temperature", "pool"]) {
    const v = settings[key];
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[key] = v;
  }
  return out;
}

/** Loads a model, printing download progress on stderr. */
export async function loadModel(
  registry: Registry,
  spec: string,
  settings: Settings,
  io: CliIo,
  quiet: boolean,
): Promise<ClipEncoder> {
  let lastLog = 0;
  const options: ResolveModelOptions = {
    onDownloadProgress: (p) => {
      if (quiet) return;
      const now = Date.now();
      const done = p.total !== null && p.received >= p.total;
      if (now - lastLog < 1000 && !done) return;
      lastLog = now;
      const mb = (n: number) => (n / 1e6).toFixed(1);
      const of = p.total !== null ? `/${mb(p.total)}` : "";
      io.stderr(`downloading ${p.file}: ${mb(p.received)}${of} MB\n`);
    },
  };
  const cacheDir = str(settings, "cacheDir");
  if (cacheDir) options.cacheDir = absolutePath(io.cwd, cacheDir);
  const threads = num(settings, "threads");
  if (threads !== undefined) options.threads = threads;
  const dtype = str(settings, "dtype");
  if (dtype) options.dtype = dtype;
  const device = str(settings, "device");
  if (device) options.device = device;
  if (settings.offline === true) options.offline = true;
  if (io.signal) options.signal = io.signal;
  return registry.resolveModel(spec, options);
}

/**
 * The LLM-reply cache directory of a run: `<cache-dir>/llm` (the default cache dir when none is
 * given), or null with `--no-llm-cache` or a provider that costs nothing to ask again.
 */
export async function llmCacheDirOf(
  registry: Registry,
  spec: string,
  settings: Settings,
  cwd: string,
): Promise<string | null> {
  if (settings.noLlmCache === true || !registry.llmCacheable(spec)) return null;
  const dir = str(settings, "cacheDir");
  return join(dir ? absolutePath(cwd, dir) : await registry.defaultCacheDir(), "llm");
}

export async function loadLlm(
  registry: Registry,
  spec: string,
  settings: Settings,
  io: CliIo,
  cacheDir: string | null = null,
): Promise<LlmProvider> {
  const baseURL = str(settings, "llmBaseUrl");
  const timeout = num(settings, "llmTimeout");
  const retries = num(settings, "llmRetries");
  const price = priceOf(settings);
  return registry.resolveLlm(spec, {
    env: io.env,
    ...(baseURL ? { baseURL } : {}),
    ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
    ...(retries !== undefined ? { maxRetries: retries } : {}),
    ...(price ? { price } : {}),
    ...(cacheDir ? { cacheDir } : {}),
  });
}

export async function imageCacheOf(
  registry: Registry,
  settings: Settings,
  cwd: string,
): Promise<EmbeddingCache> {
  const dir = str(settings, "cacheDir");
  return registry.imageCache(dir ? absolutePath(cwd, dir) : undefined);
}

/**
 * Every image the run will use (train, val, and test unless --no-test) is checked — exists, readable
 * header — before the LLM is created or the model loaded, so a corrupt test image cannot cost a
 * run's LLM calls before it is found.
 */
export async function checkRunImagesOf(
  registry: Registry,
  dataset: Dataset,
  withTest: boolean,
  ctx: {
    datasetName: string;
    root: string;
    signal?: AbortSignal | undefined;
    /** Where to say that a large check is under way. */
    log?: (text: string) => void;
  },
): Promise<void> {
  const paths = (split: keyof Dataset["splits"]) => dataset.splits[split].map((i) => i.path);
  const splits: Record<string, string[]> = { train: paths("train"), val: paths("val") };
  if (withTest) splits.test = paths("test");
  const total = Object.values(splits).reduce((s, l) => s + l.length, 0);
  if (total >= 1000)
    ctx.log?.(`checking ${total.toLocaleString("en-US")} images (${Object.keys(splits).join(", ")})…\n`);
  try {
    await registry.checkImages(splits, ctx.signal ? { signal: ctx.signal } : {});
  } catch (error) {
    throw readableDatasetError(error, ctx.datasetName, ctx.root) ?? error;
  }
}

export interface PreparedRun {
  dataset: Dataset;
  encoder: ClipEncoder;
  llm: LlmProvider;
  strategy: SearchStrategy;
  budget: Budget;
  imageCache: EmbeddingCache;
  /** --verify-images: re-hash every image file. */
  verifyImages: boolean;
  seed: number;
  evaluateTest: boolean;
  ensembleTopK: number;
  /** The settings recorded in manifest.json, enough for `vlmopt resume` (never API keys). */
  manifestOptions: Record<string, unknown>;
}

/**
 * Everything a run needs, checked cheapest first (LLM spec, credentials and paths; data root,
 * dataset name, strategy, budget) so that bad input stops before any download, feature or file
 * (the run directory included) is made.
 */
export async function prepareRun(
  settings: Settings,
  ctx: { io: CliIo; registry: Registry; command: string; quiet: boolean },
): Promise<PreparedRun> {
  const { io, registry, command } = ctx;
  const datasetName = required(settings, "dataset", "dataset", "eurosat", command);
  const givenLlm = required(
    settings,
    "llm",
    "llm",
    "anthropic:claude-sonnet-4-5 or --llm simulated",
    command,
  );
  const modelSpec = required(settings, "model", "model", "clip-vit-b32", command);
  const strategyName = required(settings, "strategy", "strategy", "hill-climb", command);
  const params = strategyParams(settings);
  checkIterations(params, command);
  checkLlmProvider(registry, givenLlm);
  // replay:<run-dir> and llama-cpp:<file> with their path made absolute, so that the check, the
  // provider and a later `vlmopt resume` agree on it.
  const llmSpec = registry.normalizeLlm(givenLlm, io.cwd);
  await checkStrategyName(registry, strategyName);
  await registry.checkLlm(llmSpec, io.env);
  const data = await datasetArgOf(registry, datasetName, settings, { cwd: io.cwd, command });
  const root = data.root;
  const strategy = await registry.resolveStrategy(strategyName, params, { datasetName });
  const budget = budgetOf(settings);
  const price = priceOf(settings);
  const seed = num(settings, "seed") ?? 1;
  const shots = num(settings, "shots");
  const loaded = await loadDatasetFor(registry, data, { seed, shots }, settings, io);
  const dataset = withTestLimit(loaded, num(settings, "testLimit"));
  const p = dataset.provenance;
  if (!ctx.quiet && p?.shotsRequested !== undefined && p.shots !== undefined) {
    io.stderr(
      `warning: --shots ${p.shotsRequested} asked for more training images than some class has; those classes use all they have (${p.shots} at the fewest), and the manifest records shots ${p.shots}\n`,
    );
  }
  await checkRunImagesOf(registry, dataset, settings.noTest !== true, {
    datasetName,
    root,
    signal: io.signal,
    ...(ctx.quiet ? {} : { log: (text: string) => io.stderr(text) }),
  });
  const llmCacheDir = await llmCacheDirOf(registry, llmSpec, settings, io.cwd);
  const llm = await loadLlm(registry, llmSpec, settings, io, llmCacheDir);
  checkBudgetPrice(budget, llm.price ?? price, llmSpec);
  const encoder = await loadModel(registry, modelSpec, settings, io, ctx.quiet);
  const imageCache = await imageCacheOf(registry, settings, io.cwd);

  const manifestOptions: Record<string, unknown> = { command };
  for (const spec of SETTINGS) {
    const v = settings[spec.key];
    if (v !== undefined) manifestOptions[spec.key] = v;
  }
  // Own data is recorded by its absolute path, so that `vlmopt resume` works from any directory.
  manifestOptions.dataset = data.spec;
  if (data.own) delete manifestOptions.dataRoot;
  else manifestOptions.dataRoot = root;
  manifestOptions.llm = llmSpec;
  const fewshotFile = fewshotOptions(settings, io.cwd).fewshotFile;
  if (fewshotFile) manifestOptions.fewshotFile = fewshotFile;
  // Whether LLM replies were served from / stored in the disk cache, and where.
  manifestOptions.llmCache = llmCacheDir !== null;
  if (llmCacheDir) manifestOptions.llmCacheDir = llmCacheDir;
  const cacheDir = str(settings, "cacheDir");
  if (cacheDir) manifestOptions.cacheDir = absolutePath(io.cwd, cacheDir);
  delete manifestOptions.out;
  return {
    dataset,
    encoder,
    llm,
    strategy,
    budget,
    imageCache,
    verifyImages: settings.verifyImages === true,
    seed,
    evaluateTest: settings.noTest !== true,
    ensembleTopK: num(settings, "ensemble") ?? 1,
    manifestOptions,
  };
}
