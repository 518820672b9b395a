import type { ClipEncoder } from "./clip-encoder.js";
import type { Dataset, SplitName } from "./dataset.js";
import type { EmbeddingCache } from "./embedding-cache.js";
import { extractFeatures } from "./features.js";
import { notify, type RunObserver } from "./run-observer.js";
import type { SplitFeatures } from "./scoring.js";

export interface SplitFeatureOptions {
  encoder: ClipEncoder;
  dataset: Dataset;
  observers: readonly RunObserver[];
  imageCache?: EmbeddingCache;
  verifyImages?: boolean;
  signal?: AbortSignal;
  /** Pre-computed features, used instead of extracting. */
  features?: Partial<Record<SplitName, SplitFeatures>>;
}

/**
 * The image features of a run's splits, each split extracted at most once per run (the chosen
 * template, the baselines and the test score all read the same features).
 */
export function splitFeatureReader(o: SplitFeatureOptions): (split: SplitName) => Promise<SplitFeatures> {
  const extracted = new Map<SplitName, Promise<SplitFeatures>>();
  return (split) => {
    const given = o.features?.[split];
    if (given) return Promise.resolve(given);
    let features = extracted.get(split);
    if (!features) {
      features = extractFeatures(o.encoder, o.dataset.splits[split], {
        ...(o.imageCache ? { cache: o.imageCache } : {}),
        ...(o.verifyImages ? { verifyImages: true } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
        onProgress: (p) => notify(o.observers, "onFeatureProgress", { split, ...p }),
      });
      extracted.set(split, features);
    }
    return features;
  };
}
