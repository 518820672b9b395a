import {
  type ClipEncoder,
  ConfigError,
  type Dataset,
  type EmbeddingCache,
  type LlmProvider,
  type SearchStrategy,
} from "@vlmopt/core";

export type PoolName = "hand-engineered" | "imagenet80" | "basic";

/**
 * What the bench needs from the plugin packages. The default goes through the CLI's registry
 * (`@vlmopt/cli` createRegistry) so both apps resolve the same names; tests pass doubles.
 */
export interface BenchWiring {
  resolveModel(spec: string, options: { cacheDir?: string; offline?: boolean }): Promise<ClipEncoder>;
  resolveLlm(
    spec: string,
    options: { env: Record<string, string | undefined>; cacheDir?: string },
  ): Promise<LlmProvider>;
  resolveStrategy(
    name: string,
    params: Record<string, string | number | boolean>,
    context: { datasetName: string },
  ): Promise<SearchStrategy>;
  resolveDataset(name: string, options: { root: string; shots: number; seed: number }): Promise<Dataset>;
  /** A persistent image-feature cache in `dir`. */
  imageCache(dir: string): Promise<EmbeddingCache>;
  /** A named template pool for a dataset (hand-engineered, imagenet80, basic). */
  pool(name: PoolName, datasetName: string): Promise<string[]>;
  /**
   * Checks every image of `splits` (split name → files) before anything is spent; throws an error
   * that names each bad file and its split. The default is dataset-loaders' `checkRunImages`.
   */
  checkImages(
    splits: Readonly<Record<string, readonly string[]>>,
    options: { signal?: AbortSignal },
  ): Promise<void>;
}

interface RegistryLike {
  resolveModel(spec: string, options?: Record<string, unknown>): Promise<ClipEncoder>;
  resolveLlm(spec: string, options?: Record<string, unknown>): Promise<LlmProvider>;
  resolveStrategy(
    name: string,
    params: Record<string, string | number | boolean>,
    context: { datasetName: string },
  ): Promise<SearchStrategy>;
  resolveDataset(name: string, options: Record<string, unknown>): Promise<Dataset>;
  imageCache(dir?: string): Promise<EmbeddingCache>;
}

interface StrategiesModule {
  getPool(name: string, datasetName: string): unknown;
}

function templatesOf(value: unknown, where: string): string[] {
  const list = Array.isArray(value)
    ? value
    : value && typeof value === "object" && Array.isArray((value as { templates?: unknown }).templates)
      ? (value as { templates: unknown[] }).templates
      : null;
  if (!list?.every((t) => typeof t === "string")) {
    throw new ConfigError(`${where} did not return a list of templates`, {
      hint: "the search-strategies package and the bench disagree on getPool(); report this",
    });
  }
  return list as string[];
}

/** The wiring backed by the vlmopt packages, loaded on first use. */
export function createDefaultWiring(): BenchWiring {
  let registry: Promise<RegistryLike> | null = null;
  const reg = () => {
    registry ??= import("@vlmopt/cli").then((m) => {
      const create = (m as unknown as { createRegistry?: () => RegistryLike }).createRegistry;
      if (typeof create !== "function") {
        throw new ConfigError("@vlmopt/cli does not export createRegistry()", {
          hint: "build the workspace (pnpm build) so that apps/cli/dist is current",
        });
      }
      return create();
    });
    return registry;
  };
  return {
    async resolveModel(spec, options) {
      return (await reg()).resolveModel(spec, strip(options));
    },
    async resolveLlm(spec, options) {
      return (await reg()).resolveLlm(spec, strip(options));
    },
    async resolveStrategy(name, params, context) {
      return (await reg()).resolveStrategy(name, params, context);
    },
    async resolveDataset(name, options) {
      return (await reg()).resolveDataset(name, options);
    },
    async imageCache(dir) {
      return (await reg()).imageCache(dir);
    },
    async pool(name, datasetName) {
      const m = (await import("@vlmopt/search-strategies")) as unknown as StrategiesModule;
      return templatesOf(await m.getPool(name, datasetName), `getPool("${name}", "${datasetName}")`);
    },
    async checkImages(splits, options) {
      const { checkRunImages } = await import("@vlmopt/dataset-loaders");
      await checkRunImages(splits, strip(options));
    },
  };
}

function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
