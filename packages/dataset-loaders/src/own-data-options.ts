import { splitDataset } from "./sampling.js";
import type { CoopEntry, CoopSplit } from "./types.js";

/** Options for your own data (image folders and manifests). */
export interface OwnDataOptions {
  /** Dataset name (default: the folder or manifest file name). */
  name?: string;
  /** One sentence about the images (APE uses it). */
  description?: string;
  /** Fraction of each class for val when the data has no split (default 0.2, as CoOp). */
  valFraction?: number;
  /** Fraction of each class for test when the data has no split (default 0.3, as CoOp). */
  testFraction?: number;
  /** Seed of the train/val/test split (default 1). Separate from the few-shot seed, so the test set stays fixed across seeds. */
  splitSeed?: number;
  /** Manifests: class names in label order; numeric labels then index into it. */
  classNames?: readonly string[];
}

/** File extensions treated as images (case-insensitive). */
export const IMAGE_EXTENSIONS: readonly string[] = [
  ".jpg",
  ".jpeg",
  ".png",
  ".webp",
  ".bmp",
  ".gif",
  ".tif",
  ".tiff",
];

/**
 * Own data without a split: the seeded per-class train/val/test split (`splitDataset`) with the
 * user's fractions (default 50/20/30, CoOp's proportions) and `splitSeed`.
 */
export function splitOwnData(entries: readonly CoopEntry[], options: OwnDataOptions): CoopSplit {
  const items = entries.map((entry) => ({ path: entry[0], label: entry[1], entry }));
  const parts = splitDataset(items, {
    val: options.valFraction ?? 0.2,
    test: options.testFraction ?? 0.3,
    seed: options.splitSeed ?? 1,
  });
  return {
    train: parts.train.map((i) => i.entry),
    val: parts.val.map((i) => i.entry),
    test: parts.test.map((i) => i.entry),
  };
}
