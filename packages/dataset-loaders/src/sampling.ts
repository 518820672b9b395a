import type { LabeledImage } from "@vlmopt/core";
import { ConfigError, createRng } from "@vlmopt/core";

function byLabel<T extends LabeledImage>(items: readonly T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const group = groups.get(item.label);
    if (group) group.push(item);
    else groups.set(item.label, [item]);
  }
  for (const group of groups.values()) group.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return new Map([...groups].sort((a, b) => a[0] - b[0]));
}

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigError(`${name} must be a non-negative integer, got ${value}`, {
      hint: `Pass ${name} as 0, 1, 2, ...`,
    });
  }
}

/**
 * Deterministic seeded K-shot sample: K images per class (all of a class's images when it has
 * fewer). Each class's images are sorted by path first, so the result does not depend on the order
 * the files were listed in; then one `createRng(seed)` draws `rng.sample(images, K)` class by class
 * in ascending label order. The result is ordered by label, then by draw order.
 */
export function sampleFewShot<T extends LabeledImage>(items: readonly T[], shots: number, seed: number): T[] {
  checkCount("shots", shots);
  const rng = createRng(seed);
  const out: T[] = [];
  for (const group of byLabel(items).values()) out.push(...rng.sample(group, shots));
  return out;
}

export interface SplitFractions {
  /** Fraction of each class for val (CoOp: 0.2). */
  val?: number;
  /** Fraction of each class for test (CoOp: 0.3). */
  test?: number;
  seed?: number;
}

/**
 * Stratified seeded train/val/test split for data that has none, with CoOp's defaults (50% train,
 * 20% val, 30% test; `read_and_split_data` in CoOp's oxford_pets.py). Per class, images are sorted by
 * path and shuffled with one `createRng(seed)` (classes in label order); the first
 * round(n·test) go to test, the next round(n·val) to val, the rest to train. A class always keeps
 * at least one training image.
 */
export function splitDataset<T extends LabeledImage>(
  items: readonly T[],
  options: SplitFractions = {},
): { train: T[]; val: T[]; test: T[] } {
  const val = options.val ?? 0.2;
  const test = options.test ?? 0.3;
  if (!(val >= 0 && test >= 0 && val + test < 1)) {
    throw new ConfigError(`Split fractions val=${val}, test=${test} are invalid`, {
      hint: "Use fractions >= 0 with val + test < 1 (e.g. val 0.2, test 0.3).",
    });
  }
  const rng = createRng(options.seed ?? 1);
  const out = { train: [] as T[], val: [] as T[], test: [] as T[] };
  for (const group of byLabel(items).values()) {
    const shuffled = rng.shuffle(group);
    const n = shuffled.length;
    const nTest = Math.min(Math.round(n * test), Math.max(0, n - 1));
    const nVal = Math.min(Math.round(n * val), Math.max(0, n - 1 - nTest));
    out.test.push(...shuffled.slice(0, nTest));
    out.val.push(...shuffled.slice(nTest, nTest + nVal));
    out.train.push(...shuffled.slice(nTest + nVal));
  }
  return out;
}
