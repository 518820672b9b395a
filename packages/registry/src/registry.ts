import { join } from "node:path";
import type { DownloadProgress } from "@vlmopt/clip-embedding";
import type {
  CatalogEntry,
  ClipEncoder,
  Dataset,
  EmbeddingCache,
  LlmProvider,
  ModelPrice,
  SearchStrategy,
  StrategyContext,
  VlmoptPlugin,
} from "@vlmopt/core";
import type { CheckReport, DownloadDatasetOptions, DownloadReport } from "@vlmopt/dataset-loaders";
import {
  checkLlmSpec,
  createFromLlmSpec,
  llmProviderPlugins,
  matchLlmSpec,
} from "@vlmopt/llm-providers/plugins";
import { paramListing, parseStrategyParams } from "@vlmopt/search-strategies/plugins";
import { matchSpec } from "./match-spec.js";
import { type PluginSet, pluginSetOf, registeredPlugins } from "./plugin-set.js";

export type { CatalogEntry, DownloadProgress };

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

/** What `datasets check` reports (the dataset-loaders package's CheckReport). */
export type DatasetCheck = CheckReport;

/** Strategy parameters as they arrive from a command line or config file. */
export type RawParams = Record<string, string | number | boolean | null>;

/**
 * Everything the apps can name on a command line: CLIP models, LLM providers, search strategies
 * and dataset sources, each resolved through the plugin entry that owns it. Both apps use it.
 */
export interface Registry {
  /** The entries this registry looks specs up in (out-of-tree first, then built-in). */
  readonly plugins: PluginSet;
  resolveModel(spec: string, options?: ResolveModelOptions): Promise<ClipEncoder>;
  /** Throws a ConfigError naming the missing variable, before any work is done. */
  checkLlm(spec: string, env: Record<string, string | undefined>): Promise<void>;
  /** The price the LLM a spec names would charge (USD per million tokens), null when unknown. */
  priceOfLlm(spec: string): Promise<ModelPrice | null>;
  resolveLlm(spec: string, options?: ResolveLlmOptions): Promise<LlmProvider>;
  /** The spec as a run records it (paths made absolute against `cwd`); unchanged for an unknown prefix. */
  normalizeLlm(spec: string, cwd: string): string;
  /** Whether the disk reply cache can save anything for this spec (false: simulated, replay). */
  llmCacheable(spec: string): boolean;
  resolveStrategy(name: string, params: RawParams, context: StrategyContext): Promise<SearchStrategy>;
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
  /** LLM spec forms (`name`), each with the `prefix` that selects its entry, for help and listings. */
  listLlms(): CatalogEntry[];
}

export interface RegistryOptions {
  /** Out-of-tree entries, looked up before those of registerPlugin() and the built-ins. */
  plugins?: readonly VlmoptPlugin[];
  /** Leave out the built-in entries (default false). */
  noBuiltins?: boolean;
  /** Replaces single methods (tests, doubles). */
  overrides?: Partial<Registry>;
}

// The heavy plugin packages are loaded on first use, so `vlmopt --help` does not load ONNX Runtime.
const clip = () => import("@vlmopt/clip-embedding");
const strategies = () => import("@vlmopt/search-strategies");
const datasets = () => import("@vlmopt/dataset-loaders");

function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Normalises a package's listing entry (a string or an object with id/name) to a CatalogEntry. */
function entryOf(value: unknown): CatalogEntry {
  if (typeof value === "string") return { name: value, description: "" };
  const v = value as Record<string, unknown>;
  const name = String(v.name ?? v.id ?? "?");
  const description = String(v.description ?? v.displayName ?? "");
  return { ...v, name, description };
}

/**
 * The registry over the given entries, those of registerPlugin() and the built-in ones (in that
 * lookup order). Entries' heavy code loads on first use.
 */
export function createRegistry(options: RegistryOptions = {}): Registry {
  const builtins: readonly VlmoptPlugin[] = options.noBuiltins ? [] : [...llmProviderPlugins];
  const set = pluginSetOf([...(options.plugins ?? []), ...registeredPlugins(), ...builtins]);
  const llms = set.llmProviders;
  // For the lenient lookups (normalizeLlm, llmCacheable): a bad spec is reported by checkLlm.
  const findLlm = (spec: string) => {
    try {
      return matchLlmSpec(llms, spec);
    } catch {
      return null;
    }
  };
  const base: Registry = {
    plugins: set,
    async resolveModel(spec, opts = {}) {
      const m = matchSpec(set.backbones, spec);
      if (m) return m.plugin.create(m.plugin.parse(m.rest, m.prefix, spec), strip({ ...opts }));
      return (await clip()).loadClipEncoder(spec, strip({ ...opts }));
    },
    async checkLlm(spec, env) {
      // Also checks the paths of replay:<run-dir> and llama-cpp:<file>.
      checkLlmSpec(llms, spec, env);
    },
    async priceOfLlm(spec) {
      const m = matchLlmSpec(llms, spec);
      return m.plugin.price?.(m.parsed) ?? null;
    },
    async resolveLlm(spec, opts = {}) {
      return createFromLlmSpec(llms, spec, strip({ ...opts }));
    },
    normalizeLlm(spec, cwd) {
      const m = findLlm(spec);
      return m?.plugin.normalize ? m.plugin.normalize(m.parsed, cwd) : spec;
    },
    llmCacheable(spec) {
      const m = findLlm(spec);
      return m?.plugin.cacheable?.(m.parsed) ?? true;
    },
    async resolveStrategy(name, params, context) {
      const plugin = set.strategies.find((s) => s.name === name);
      if (plugin) return plugin.create(parseStrategyParams(plugin, params), context);
      return (await strategies()).createStrategy(name, params, context);
    },
    async resolveDataset(name, opts) {
      const m = matchSpec(set.datasetSources, name);
      if (m) return m.plugin.load(m.plugin.parse(m.rest, m.prefix, name), strip({ ...opts }));
      return (await datasets()).loadDataset(name, strip({ ...opts }));
    },
    async imageCache(dir) {
      const m = await clip();
      return new m.DiskEmbeddingCache({ dir: join(dir ?? m.defaultCacheDir(), "features") });
    },
    async defaultCacheDir() {
      return (await clip()).defaultCacheDir();
    },
    async listModels() {
      const m = await clip();
      const generated = m
        .listGeneratedModels()
        .map((e) => ({ ...entryOf(e), layout: "generated", repo: "-" }));
      return [
        ...set.backbones.flatMap((b) => b.list?.() ?? []),
        ...m.listModels().map((e) => ({ ...entryOf(e), repo: e.hfRepo })),
        ...generated,
        {
          name: "<dir>",
          description: "a local model folder in the transformers.js or immich OpenCLIP layout",
        },
        {
          name: "<owner>/<repo>",
          description:
            "a Hugging Face repo with a CLIP-family ONNX export (layout read from its file listing)",
        },
      ];
    },
    async downloadModel(id, opts = {}) {
      return (await clip()).downloadModel(id, strip({ ...opts }));
    },
    async listDatasets() {
      const m = await datasets();
      return [
        ...set.datasetSources.flatMap((d) => d.list?.() ?? []),
        ...m.listDatasets().map((e) => entryOf(e)),
      ];
    },
    async checkDataset(name, root, opts = {}) {
      const m = matchSpec(set.datasetSources, name);
      if (m?.plugin.check) {
        const report = await m.plugin.check(m.plugin.parse(m.rest, m.prefix, name), strip({ ...opts, root }));
        return report as DatasetCheck;
      }
      return (await datasets()).checkDataset(name, root, strip({ ...opts }));
    },
    async checkImages(splits, opts = {}) {
      await (await datasets()).checkRunImages(splits, strip({ ...opts }));
    },
    async downloadDataset(name, opts) {
      return (await datasets()).downloadDataset(name, opts);
    },
    async listStrategies() {
      const own = set.strategies.map((s) => ({
        name: s.name,
        description: s.description,
        params: paramListing(s.params),
      }));
      const known = new Set(own.map((s) => s.name));
      const m = await strategies();
      return [...own, ...m.listStrategies().filter((s) => !known.has(s.name))].map((e) => entryOf(e));
    },
    listLlms() {
      return llms.flatMap((p) =>
        p.help.map((h) => ({
          name: h.form,
          description: h.description,
          prefix: p.prefixes.find((x) => h.form.startsWith(x)) ?? p.prefixes[0],
        })),
      );
    },
  };
  return { ...base, ...options.overrides };
}
