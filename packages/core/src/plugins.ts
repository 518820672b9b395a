import type { z } from "zod";
import type { ClipEncoder } from "./clip-encoder.js";
import type { Dataset, DatasetLoadOptions } from "./dataset.js";
import type { EmbeddingCache } from "./embedding-cache.js";
import type { ImageVendor } from "./llm-image-tokens.js";
import type { LlmProvider, ModelPrice } from "./llm-provider.js";
import type { SearchStrategy } from "./search-strategy.js";

/**
 * The plugin entries of vlmopt: self-describing objects (a spec prefix or name, a parser, help
 * lines, a factory) that `@vlmopt/registry` composes, in the style of vercel/ai's provider
 * registry (https://ai-sdk.dev/docs/reference/ai-sdk-core/provider-registry). An entry module
 * imports no heavy dependency at top level; `create()` / `load()` import it on first use, so a
 * listing or `--help` loads no SDK and no ONNX Runtime.
 */

/** One line of help per spec form: `form` as typed ("anthropic:<model>"), what it is. */
export interface PluginHelp {
  form: string;
  description: string;
}

/** One row of a listing (`vlmopt models list`, `datasets list`, `strategies list`). */
export interface CatalogEntry {
  name: string;
  description: string;
  [extra: string]: unknown;
}

/** What an LLM provider's factory gets: key source, HTTP settings and the reply cache. */
export interface LlmCreateOptions {
  /** Environment the provider reads keys and base URLs from (never persisted). */
  env?: Record<string, string | undefined>;
  /** Overrides the base URL a spec implies. */
  baseURL?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxRetries?: number;
  /** Overrides the price table. */
  price?: ModelPrice;
  /** Enables the disk reply cache in this directory. */
  cacheDir?: string;
  /** Sampler seed (simulated, local models). */
  seed?: number;
  /** CPU threads (in-process models). */
  threads?: number;
  /** An API key given directly (else read from `env`). */
  apiKey?: string;
}

/** An LLM provider: owns one or more spec prefixes ("anthropic", presets "ollama", ...). */
export interface LlmProviderPlugin<P = unknown> {
  readonly specificationVersion: "v1";
  readonly kind: "llm-provider";
  /** Text before the first ":" of the --llm spec. */
  readonly prefixes: readonly string[];
  readonly help: readonly PluginHelp[];
  /**
   * Whose image token rules the provider's models follow when shown images (`--dry-run` counts
   * image tokens by them); absent for a provider that takes text only.
   */
  readonly imageVendor?: ImageVendor;
  /**
   * `rest` = text after "<prefix>:" ("" when the spec is the bare prefix); `spec` is the whole
   * spec, for error messages. Throws ConfigError.
   */
  parse(rest: string, prefix: string, spec: string): P;
  /** Env vars the spec needs (names only); the registry's preflight says "X is not set — ...". */
  requiredEnv?(parsed: P): readonly string[];
  /** Extra preflight (local paths, ...), no network. Throws ConfigError. */
  check?(parsed: P, env: Record<string, string | undefined>): void;
  /** USD per million tokens, null when unknown; no key needed. Absent: null. */
  price?(parsed: P): ModelPrice | null;
  /** Whether the disk reply cache can save anything (false for free offline providers). Default true. */
  cacheable?(parsed: P): boolean;
  /**
   * The spec as it should be recorded (e.g. a path made absolute against `cwd`), so that a check,
   * the provider and a later `vlmopt resume` agree on it. Absent: unchanged.
   */
  normalize?(parsed: P, cwd: string): string;
  create(parsed: P, options: LlmCreateOptions): LlmProvider | Promise<LlmProvider>;
}

/** Progress of one file of a model download. */
export interface BackboneDownloadProgress {
  file: string;
  received: number;
  total: number | null;
}

/** What a backbone's factory gets. */
export interface BackboneCreateOptions {
  /** vlmopt's model/feature cache directory. */
  cacheDir?: string;
  threads?: number;
  /** ONNX variant (fp32, fp16, quantized). */
  dtype?: string;
  /** cpu, cuda or cuda:N. */
  device?: string;
  offline?: boolean;
  signal?: AbortSignal;
  onDownloadProgress?: (progress: BackboneDownloadProgress) => void;
  /** Hosted APIs. */
  baseURL?: string;
  fetch?: typeof fetch;
  env?: Record<string, string | undefined>;
  /** A persistent text-feature cache. */
  textCache?: EmbeddingCache;
}

/** Prices of a hosted embedding API: USD per image and per million text tokens. */
export interface EmbeddingPrice {
  perImage: number;
  perMTokText: number;
}

/** A CLIP-family backbone family: local ONNX layouts, generated stand-ins, hosted embedding APIs. */
export interface BackbonePlugin<P = unknown> {
  readonly specificationVersion: "v1";
  readonly kind: "backbone";
  /** "random", "jina", ... (spec "random:tiny"). */
  readonly prefixes?: readonly string[];
  /** Alternative to prefixes, for specs without one (a local folder, "<owner>/<repo>", short ids). */
  matches?(spec: string): boolean;
  readonly help: readonly PluginHelp[];
  /** Catalog rows for `vlmopt models list` (short ids, generated models). */
  list?(): readonly CatalogEntry[];
  /** `prefix` is null for an entry matched by `matches` (then `rest` is the whole spec). */
  parse(rest: string, prefix: string | null, spec: string): P;
  requiredEnv?(parsed: P): readonly string[];
  /** Price per image and per 1M text tokens (hosted APIs); null when unknown; absent = free/local. */
  price?(parsed: P): EmbeddingPrice | null;
  create(parsed: P, options: BackboneCreateOptions): Promise<ClipEncoder>;
}

/** What a strategy's factory gets besides its parameters. */
export interface StrategyContext {
  /** The dataset the run will use, if known when the strategy is created (validates per-dataset pools early). */
  datasetName?: string;
}

/**
 * A search strategy. `params` is a zod object schema: every field has `.default(...)` and
 * `.describe("...")`; the registry coerces command-line strings and reports bad values.
 */
export interface StrategyPlugin<S extends z.ZodObject = z.ZodObject> {
  readonly specificationVersion: "v1";
  readonly kind: "strategy";
  /** "hill-climb", "cupl", ... */
  readonly name: string;
  readonly description: string;
  readonly params: S;
  /** Prompt templates it reads, for listings and docs. */
  readonly promptFiles?: readonly string[];
  create(params: z.infer<S>, context: StrategyContext): SearchStrategy;
}

/** The summary every dataset check has (dataset-loaders' CheckReport extends it). */
export interface DatasetCheckSummary {
  /** True when there is no problem of severity "error". */
  ok: boolean;
  name: string;
}

/** What a dataset source gets: core's load options plus own-data and few-shot settings. */
export interface DatasetSourceOptions extends DatasetLoadOptions {
  /** "coop": CoOp's K-shot lists; "sample": a seeded sample. */
  fewshotSource?: "coop" | "sample";
  fewshotFile?: string;
  allowFewerShots?: boolean;
  /** The working directory relative paths of the spec are resolved against. */
  cwd?: string;
}

/** A dataset source: a registry name ("eurosat", "demo") or a prefix ("wds", "folder", ...). */
export interface DatasetSourcePlugin<P = unknown, R extends DatasetCheckSummary = DatasetCheckSummary> {
  readonly specificationVersion: "v1";
  readonly kind: "dataset-source";
  readonly prefixes?: readonly string[];
  readonly names?: readonly string[];
  /** For specs with neither (an existing folder or manifest file). */
  matches?(spec: string): boolean;
  readonly help: readonly PluginHelp[];
  /** Catalog rows for `vlmopt datasets list`. */
  list?(): readonly CatalogEntry[];
  /** `prefix` is null for a name or a `matches` entry (then `rest` is the whole spec). */
  parse(rest: string, prefix: string | null, spec: string): P;
  load(parsed: P, options: DatasetSourceOptions): Promise<Dataset>;
  check?(parsed: P, options: Omit<DatasetSourceOptions, "signal">): Promise<R>;
}

/** Any plugin entry (what `registerPlugin` and a plugin module's `plugins` export hold). */
export type VlmoptPlugin = LlmProviderPlugin | BackbonePlugin | StrategyPlugin | DatasetSourcePlugin;

/** Identity helpers that check an entry's shape and infer its parsed-spec type. */
export const defineLlmProvider = <P>(plugin: LlmProviderPlugin<P>): LlmProviderPlugin<P> => plugin;
export const defineBackbone = <P>(plugin: BackbonePlugin<P>): BackbonePlugin<P> => plugin;
export const defineStrategy = <S extends z.ZodObject>(plugin: StrategyPlugin<S>): StrategyPlugin<S> => plugin;
export const defineDatasetSource = <P, R extends DatasetCheckSummary = DatasetCheckSummary>(
  plugin: DatasetSourcePlugin<P, R>,
): DatasetSourcePlugin<P, R> => plugin;
