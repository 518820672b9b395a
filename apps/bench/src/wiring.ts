import type { ClipEncoder, Dataset, EmbeddingCache, LlmProvider, SearchStrategy } from "@vlmopt/core";
import { createRegistry, type Registry } from "@vlmopt/registry";

export type PoolName = "hand-engineered" | "imagenet80" | "basic";

/**
 * What the bench needs from the plugin packages. The default goes through @vlmopt/registry, so
 * both apps resolve the same names; tests pass doubles.
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

/** The wiring backed by the vlmopt registry (the same one the CLI resolves names with). */
export function createDefaultWiring(registry: Registry = createRegistry()): BenchWiring {
  return {
    resolveModel: (spec, options) => registry.resolveModel(spec, strip(options)),
    resolveLlm: (spec, options) => registry.resolveLlm(spec, strip(options)),
    resolveStrategy: (name, params, context) => registry.resolveStrategy(name, params, context),
    resolveDataset: (name, options) => registry.resolveDataset(name, options),
    imageCache: (dir) => registry.imageCache(dir),
    async pool(name, datasetName) {
      const { getPool } = await import("@vlmopt/search-strategies");
      return getPool(name, datasetName);
    },
    checkImages: (splits, options) => registry.checkImages(splits, strip(options)),
  };
}

function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
