import { join } from "node:path";
import type { DownloadProgress } from "@vlmopt/clip-embedding";
import { backbonePlugins } from "@vlmopt/clip-embedding/plugins";
import {
  type BackboneCreateOptions,
  type CatalogEntry,
  type ClipEncoder,
  type Dataset,
  type DatasetSourceOptions,
  type EmbeddingCache,
  type ImageVendor,
  type LlmCreateOptions,
  type LlmProvider,
  type ModelPrice,
  matchSpec,
  type SearchStrategy,
  type StrategyContext,
  type VlmoptPlugin,
} from "@vlmopt/core";
import type { CheckReport, DownloadDatasetOptions, DownloadReport } from "@vlmopt/dataset-loaders";
import { datasetSourcePlugins } from "@vlmopt/dataset-loaders/plugins";
import { type EmbeddingApiCreateOptions, embeddingApiPlugins } from "@vlmopt/embedding-apis/plugins";
import {
  checkLlmSpec,
  createFromLlmSpec,
  llmProviderPlugins,
  matchLlmSpec,
} from "@vlmopt/llm-providers/plugins";
import {
  findStrategy,
  listStrategies,
  parseStrategyParams,
  strategyPlugins,
} from "@vlmopt/search-strategies/plugins";
import { type PluginSet, pluginSetOf, registeredPlugins } from "./plugin-set.js";

export type { CatalogEntry, DownloadProgress };

/**
 * What a backbone's factory gets (core's BackboneCreateOptions: cache dir, dtype, device, download
 * progress, ...), plus what the embedding-API backbones take.
 */
export type ResolveModelOptions = BackboneCreateOptions & {
  /** Embedding-API backbones (jina:…, openai-compatible-embed:…): env, base URL, cache, ledger, price, retries. */
  api?: EmbeddingApiCreateOptions;
  /** `--dry-run`: an embedding-API backbone counts what it would send instead of sending it. */
  dryRun?: boolean;
};

/** What an LLM provider's factory gets (core's LlmCreateOptions: env, base URL, timeout, retries, price, cache dir). */
export type ResolveLlmOptions = LlmCreateOptions;

/** What a dataset source gets (core's DatasetSourceOptions: root, shots, seed, few-shot settings, signal). */
export type ResolveDatasetOptions = DatasetSourceOptions;

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
  /** Whose image token rules the spec's provider follows (its entry's imageVendor); undefined: text only or unknown. */
  llmImageVendor(spec: string): ImageVendor | undefined;
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
  /** This registry with `plugins` looked up first (its overrides kept). */
  extend(plugins: readonly VlmoptPlugin[]): Registry;
}

export interface RegistryOptions {
  /** Out-of-tree entries, looked up before those of registerPlugin() and the built-ins. */
  plugins?: readonly VlmoptPlugin[];
  /** Leave out the built-in entries (default false). */
  noBuiltins?: boolean;
  /** Replaces single methods (tests, doubles). */
  overrides?: Partial<Registry>;
}

/** Every built-in entry, in lookup order: LLM providers, backbones, embedding APIs, strategies, dataset sources. */
export function builtinPlugins(): readonly VlmoptPlugin[] {
  return [
    ...llmProviderPlugins,
    ...backbonePlugins,
    ...embeddingApiPlugins,
    ...strategyPlugins,
    ...datasetSourcePlugins,
  ];
}

// The heavy plugin packages are loaded on first use, so `vlmopt --help` does not load ONNX Runtime.
const clip = () => import("@vlmopt/clip-embedding");
const datasets = () => import("@vlmopt/dataset-loaders");

function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The registry over the given entries, those of registerPlugin() and the built-in ones (in that
 * lookup order). Entries' heavy code loads on first use.
 */
export function createRegistry(options: RegistryOptions = {}): Registry {
  const builtins = options.noBuiltins ? [] : builtinPlugins();
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
    llmImageVendor(spec) {
      return findLlm(spec)?.plugin.imageVendor;
    },
    async resolveStrategy(name, params, context) {
      const plugin = findStrategy(name, set.strategies);
      return plugin.create(parseStrategyParams(plugin, params), context);
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
      return set.backbones.flatMap((b) => b.list?.() ?? []);
    },
    async downloadModel(id, opts = {}) {
      return (await clip()).downloadModel(id, strip({ ...opts }));
    },
    async listDatasets() {
      return set.datasetSources.flatMap((d) => d.list?.() ?? []);
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
      return listStrategies(set.strategies).map((e) => ({ ...e }));
    },
    extend(plugins) {
      return createRegistry({ ...options, plugins: [...plugins, ...(options.plugins ?? [])] });
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
