import { join } from "node:path";
import type { DownloadProgress } from "@vlmopt/clip-embedding";
import type {
  ClipEncoder,
  Dataset,
  EmbeddingCache,
  LlmProvider,
  ModelPrice,
  SearchStrategy,
} from "@vlmopt/core";
import type { CheckReport, DownloadDatasetOptions, DownloadReport } from "@vlmopt/dataset-loaders";
import { type EmbeddingApiCreateOptions, embeddingVendorOf } from "@vlmopt/embedding-apis/plugins";

export type { DownloadProgress };

export interface ResolveModelOptions {
  cacheDir?: string;
  threads?: number;
  /** ONNX variant (fp32, fp16, quantized). */
  dtype?: string;
  /** cpu, cuda or cuda:N. */
  device?: string;
  offline?: boolean;
  signal?: AbortSignal;
  onDownloadProgress?: (progress: DownloadProgress) => void;
  /** Hosted embedding-API backbones (jina:…, openai-compatible-embed:…): env, base URL, cache, ledger, price, retries. */
  api?: EmbeddingApiCreateOptions;
  /** `--dry-run`: an embedding-API backbone counts what it would send instead of sending it. */
  dryRun?: boolean;
}

export interface ResolveLlmOptions {
  /** Environment the provider reads keys and base URLs from (never persisted). */
  env?: Record<string, string | undefined>;
  baseURL?: string;
  timeoutMs?: number;
  maxRetries?: number;
  price?: ModelPrice;
  cacheDir?: string;
}

export interface ResolveDatasetOptions {
  root: string;
  shots?: number;
  seed?: number;
  /** "coop": CoOp's K-shot lists (default for the paper's datasets); "sample": a seeded sample. */
  fewshotSource?: "coop" | "sample";
  /** A CoOp few-shot file to take the K-shot lists from. */
  fewshotFile?: string;
  /** A seeded sample may take fewer than `shots` images from a smaller class (else an error). */
  allowFewerShots?: boolean;
  signal?: AbortSignal;
}

/** One line of `vlmopt models list` / `datasets list` / strategies: an id and what it is. */
export interface CatalogEntry {
  name: string;
  description: string;
  [extra: string]: unknown;
}

/** What `datasets check` reports (the dataset-loaders package's CheckReport). */
export type DatasetCheck = CheckReport;

/**
 * Everything the apps can name on a command line: CLIP models, LLM providers, search strategies
 * and dataset loaders, wired to the packages that implement them. `apps/bench` uses the same one.
 */
export interface Registry {
  resolveModel(spec: string, options?: ResolveModelOptions): Promise<ClipEncoder>;
  /** Throws a ConfigError naming the missing variable, before any work is done. */
  checkLlm(spec: string, env: Record<string, string | undefined>): Promise<void>;
  /** The price the LLM a spec names would charge (USD per million tokens), null when unknown. */
  priceOfLlm(spec: string): Promise<ModelPrice | null>;
  resolveLlm(spec: string, options?: ResolveLlmOptions): Promise<LlmProvider>;
  resolveStrategy(
    name: string,
    params: Record<string, string | number | boolean | null>,
    context: { datasetName: string },
  ): Promise<SearchStrategy>;
  resolveDataset(name: string, options: ResolveDatasetOptions): Promise<Dataset>;
  /** The image-feature cache kept under `dir`. */
  imageCache(dir?: string): Promise<EmbeddingCache>;
  /** The default model/feature cache directory. */
  defaultCacheDir(): Promise<string>;
  listModels(): Promise<CatalogEntry[]>;
  downloadModel(id: string, options?: ResolveModelOptions): Promise<unknown>;
  listDatasets(): Promise<CatalogEntry[]>;
  /** With `shots`, also the K-shot lists a load with the same options would use (see ResolveDatasetOptions). */
  checkDataset(
    name: string,
    root: string,
    options?: Omit<ResolveDatasetOptions, "root">,
  ): Promise<DatasetCheck>;
  /**
   * Checks the files a run will use (split name → paths) before anything is spent: each exists
   * and has a readable image header. Throws a DatasetFormatError naming every bad file.
   */
  checkImages(splits: Record<string, readonly string[]>, options?: { signal?: AbortSignal }): Promise<void>;
  /** `datasets download`: fetches one of the paper's datasets into `options.root` (dataset-loaders' downloadDataset). */
  downloadDataset(name: string, options: DownloadDatasetOptions): Promise<DownloadReport>;
  listStrategies(): Promise<CatalogEntry[]>;
  /** LLM spec forms, for help and `--json` listings. */
  listLlms(): CatalogEntry[];
}

// The plugin packages are loaded on first use, so `vlmopt --help` does not load ONNX Runtime.
type ClipModule = typeof import("@vlmopt/clip-embedding");
type LlmModule = typeof import("@vlmopt/llm-providers");
type StrategyModule = typeof import("@vlmopt/search-strategies");
type DatasetModule = typeof import("@vlmopt/dataset-loaders");

const clip = () => import("@vlmopt/clip-embedding") as Promise<ClipModule>;
const llms = () => import("@vlmopt/llm-providers") as Promise<LlmModule>;
const strategies = () => import("@vlmopt/search-strategies") as Promise<StrategyModule>;
const datasets = () => import("@vlmopt/dataset-loaders") as Promise<DatasetModule>;
const embeddingApis = () => import("@vlmopt/embedding-apis");

const GENERATED_MODELS: CatalogEntry[] = [
  {
    name: "<dir>",
    description: "a local model folder in the transformers.js or immich OpenCLIP layout",
  },
  {
    name: "<owner>/<repo>",
    description: "a Hugging Face repo with a CLIP-family ONNX export (layout read from its file listing)",
  },
];

const LLM_SPECS: CatalogEntry[] = [
  { name: "anthropic:<model>", description: "Anthropic Messages API (needs ANTHROPIC_API_KEY)" },
  { name: "openai:<model>", description: "OpenAI Chat Completions (needs OPENAI_API_KEY; OPENAI_BASE_URL)" },
  { name: "openai-compatible:<model>@<url>", description: "any OpenAI-compatible server" },
  { name: "ollama:<model>", description: "a local Ollama server" },
  { name: "vllm:<model>", description: "a vLLM server" },
  { name: "llamacpp:<model>", description: "a llama.cpp server" },
  { name: "llama-cpp:<file.gguf>", description: "a GGUF model run in-process (node-llama-cpp)" },
  { name: "simulated[:seed]", description: "an offline stand-in that is not an LLM (for trying things out)" },
  { name: "replay:<run-dir>", description: "re-serves the LLM replies recorded in a run" },
];

function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The registry backed by the vlmopt packages; `overrides` replace single entries (tests, bench). */
export function createRegistry(overrides: Partial<Registry> = {}): Registry {
  const base: Registry = {
    async resolveModel(spec, options = {}) {
      if (embeddingVendorOf(spec)) return (await embeddingApis()).createEmbeddingApiBackbone(spec, options);
      const m = await clip();
      return m.loadClipEncoder(spec, strip({ ...options }));
    },
    async checkLlm(spec, env) {
      const m = await llms();
      // Also checks the paths of replay:<run-dir> and llama-cpp:<file>.
      m.checkCredentials(spec, env);
    },
    async priceOfLlm(spec) {
      const m = await llms();
      return m.priceOfSpec(spec);
    },
    async resolveLlm(spec, options = {}) {
      const m = await llms();
      return m.createProvider(spec, strip({ ...options }));
    },
    async resolveStrategy(name, params, context) {
      const m = await strategies();
      return m.createStrategy(name, params, context);
    },
    async resolveDataset(name, options) {
      const m = await datasets();
      return m.loadDataset(name, strip({ ...options }));
    },
    async imageCache(dir) {
      const m = await clip();
      return new m.DiskEmbeddingCache({ dir: join(dir ?? m.defaultCacheDir(), "features") });
    },
    async defaultCacheDir() {
      const m = await clip();
      return m.defaultCacheDir();
    },
    async listModels() {
      const m = await clip();
      const generated = m
        .listGeneratedModels()
        .map((e) => ({ ...entryOf(e), layout: "generated", repo: "-" }));
      return [
        ...m.listModels().map((e) => ({ ...entryOf(e), repo: e.hfRepo })),
        ...generated,
        ...GENERATED_MODELS,
      ];
    },
    async downloadModel(id, options = {}) {
      const m = await clip();
      return m.downloadModel(id, strip({ ...options }));
    },
    async listDatasets() {
      const m = await datasets();
      return m.listDatasets().map((e) => entryOf(e));
    },
    async checkDataset(name, root, options = {}) {
      const m = await datasets();
      return m.checkDataset(name, root, strip({ ...options }));
    },
    async checkImages(splits, options = {}) {
      const m = await datasets();
      await m.checkRunImages(splits, strip({ ...options }));
    },
    async downloadDataset(name, options) {
      const m = await datasets();
      return m.downloadDataset(name, options);
    },
    async listStrategies() {
      const m = await strategies();
      return m.listStrategies().map((e) => entryOf(e));
    },
    listLlms() {
      return LLM_SPECS;
    },
  };
  return { ...base, ...overrides };
}

/** Normalises a package's listing entry (a string or an object with id/name) to a CatalogEntry. */
function entryOf(value: unknown): CatalogEntry {
  if (typeof value === "string") return { name: value, description: "" };
  const v = value as Record<string, unknown>;
  const name = String(v.name ?? v.id ?? "?");
  const description = String(v.description ?? v.displayName ?? "");
  return { ...v, name, description };
}
