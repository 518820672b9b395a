import { resolve } from "node:path";
import type { Dataset, LabeledImage } from "@vlmopt/core";
import { ConfigError, canonicalJson, sha256Hex, throwIfAborted } from "@vlmopt/core";
import { findFewShot } from "./fewshot-lookup.js";
import { checkImageFiles } from "./image-check.js";
import { reportImageResults } from "./image-problems.js";
import { type ProblemList, problemsToError } from "./problems.js";
import { sampleFewShot } from "./sampling.js";
import type { DatasetSource } from "./source.js";
import type { CoopEntry } from "./types.js";
import { checkEmptyClasses, checkLabels, checkTrainTestOverlap, type EntryList } from "./validate.js";

export interface SelectOptions {
  /** K in the K-shot protocol; absent means the full train and val splits. */
  shots?: number;
  /** Few-shot seed (CoOp: 1, 2, 3). Default 1. */
  seed?: number;
  /** A CoOp few-shot file to take the K-shot lists from (`shot_K-seed_S.json` or a per-dataset `<ds>.json.gz`). */
  fewshotFile?: string;
  /**
   * "coop" (default for the paper's datasets and split.json folders): CoOp's K-shot lists, an error
   * if none is found. "sample": the seeded `sampleFewShot` on the split (always used for own data).
   */
  fewshotSource?: "coop" | "sample";
  /**
   * A seeded sample may take fewer than `shots` training images from a class that has fewer.
   * Default false: that is an error, so a run never says K-shot while it trains with fewer.
   */
  allowFewerShots?: boolean;
  signal?: AbortSignal;
}

export interface Selection {
  train: EntryList;
  val: EntryList;
  test: EntryList;
  /** The few-shot list train/val came from; `<file>#shot_K-seed_S` for an entry of a collection. */
  fewshotFile: string | null;
  /** The K actually used when a sample took fewer than `shots` from some class (allowFewerShots). */
  shotsUsed?: number;
}

const sampleEntries = (entries: readonly CoopEntry[], shots: number, seed: number): CoopEntry[] =>
  sampleFewShot(
    entries.map((entry) => ({ path: entry[0], label: entry[1], entry })),
    shots,
    seed,
  ).map((i) => i.entry);

/**
 * The smallest number of images a class with any image has in a sampled train list, when it is
 * below `shots` (undefined when every such class has `shots`). Reports an error unless allowed.
 */
function checkSampledShots(
  source: DatasetSource,
  train: readonly CoopEntry[],
  shots: number,
  options: SelectOptions,
  problems: ProblemList,
  file: string,
): number | undefined {
  const counts = new Map<number, number>();
  for (const e of train) counts.set(e[1], (counts.get(e[1]) ?? 0) + 1);
  const short = [...counts].filter(([, n]) => n < shots).sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  if (short.length === 0) return undefined;
  const fewest = (short[0] as [number, number])[1];
  if (options.allowFewerShots) return fewest;
  const examples = short
    .slice(0, 3)
    .map(([label, n]) => `"${source.classNames[label] ?? label}" has ${n}`)
    .join(", ");
  problems.error(
    "fewer-shots",
    `${short.length} of ${counts.size} classes have fewer than shots=${shots} training images (${examples}${short.length > 3 ? ", …" : ""}), so a ${shots}-shot sample is impossible`,
    `Lower shots to ${fewest}, or set allowFewerShots to train with every image of the smaller classes (the K actually used, ${fewest}, is then recorded)`,
    { file },
  );
  return fewest;
}

/** The train/val/test lists of the protocol: K-shot train/val (CoOp's lists or seeded samples) and the full test split. */
export async function selectSplits(
  source: DatasetSource,
  options: SelectOptions,
  problems: ProblemList,
): Promise<Selection | undefined> {
  const file = source.splitFile ?? source.imageDir;
  const test: EntryList = { name: "test", file, entries: source.split.test };
  const { shots } = options;
  if (shots === undefined) {
    const train = source.deferredTrain ? await source.deferredTrain.list(problems) : source.split.train;
    return {
      train: { name: "train", file, entries: train },
      val: { name: "val", file, entries: source.split.val },
      test,
      fewshotFile: null,
    };
  }
  if (!Number.isInteger(shots) || shots < 1) {
    throw new ConfigError(`shots must be a positive integer, got ${shots}`, {
      hint: "CoOp's protocol uses 1, 2, 4, 8 or 16 shots.",
    });
  }
  const seed = options.seed ?? 1;
  const useCoop = source.fewshot !== undefined && options.fewshotSource !== "sample";
  if (useCoop) {
    const found = await findFewShot(source.fewshot, shots, seed, options.fewshotFile, problems);
    if (!found) return undefined;
    const key = `shot_${shots}-seed_${seed}`;
    return {
      train: { name: `${key}.train`, file: found.file, entries: found.sample.train },
      val: { name: `${key}.val`, file: found.file, entries: found.sample.val },
      test,
      fewshotFile: found.fromCollection ? `${found.file}#${key}` : found.file,
    };
  }
  const train = sampleEntries(source.split.train, shots, seed);
  const shotsUsed = checkSampledShots(source, train, shots, options, problems, file);
  return {
    ...(shotsUsed !== undefined ? { shotsUsed } : {}),
    train: {
      name: `train (${shots}-shot sample, seed ${seed})`,
      file,
      entries: train,
    },
    val: {
      name: `val (${Math.min(shots, 4)}-shot sample, seed ${seed})`,
      file,
      entries: sampleEntries(source.split.val, Math.min(shots, 4), seed),
    },
    test,
    fewshotFile: null,
  };
}

/** Structural checks of the selected lists (labels, class names, empty classes, train/test overlap). */
export function validateSelection(source: DatasetSource, sel: Selection, problems: ProblemList): void {
  for (const list of [sel.train, sel.val, sel.test]) checkLabels(list, source.classNames, problems);
  checkEmptyClasses(sel.train, source.classNames, problems, "error", source.layout);
  checkEmptyClasses(
    sel.test,
    source.classNames,
    problems,
    source.generatedSplit ? "warning" : "error",
    source.layout,
  );
  checkTrainTestOverlap([sel.train, sel.val], sel.test, problems);
}

export function splitHash(sel: { train: EntryList; val: EntryList; test: EntryList }): string {
  const pairs = (l: EntryList) => l.entries.map((e) => [e[0], e[1]]);
  return sha256Hex(canonicalJson({ train: pairs(sel.train), val: pairs(sel.val), test: pairs(sel.test) }));
}

/**
 * Selects, checks (labels, names, overlap, every selected image exists) and builds core's Dataset.
 * Throws DatasetFormatError with the first problems if anything is wrong.
 */
export async function buildDataset(
  source: DatasetSource,
  options: SelectOptions,
  problems: ProblemList,
  rootForProvenance: string,
): Promise<Dataset> {
  const what = `Dataset "${source.name}"${source.datasetDir ? ` at ${source.datasetDir}` : ""}`;
  const sel = await selectSplits(source, options, problems);
  if (!sel || problems.hasErrors) throw problemsToError(what, problems.problems);
  const shots = sel.shotsUsed ?? options.shots;
  validateSelection(source, sel, problems);
  throwIfAborted(options.signal);
  const abs = (e: CoopEntry) => resolve(source.imageDir, e[0]);
  const files = [...new Set([sel.train, sel.val, sel.test].flatMap((l) => l.entries.map(abs)))];
  const images = await checkImageFiles(files, "exists", options.signal ? { signal: options.signal } : {});
  reportImageResults(images, source.imageDir, files.length, problems, source.info?.source);
  if (problems.hasErrors) throw problemsToError(what, problems.problems);
  const toImages = (l: EntryList): LabeledImage[] => l.entries.map((e) => ({ path: abs(e), label: e[1] }));
  return {
    name: source.name,
    ...(source.displayName ? { displayName: source.displayName } : {}),
    ...(source.description ? { description: source.description } : {}),
    classNames: source.classNames,
    splits: { train: toImages(sel.train), val: toImages(sel.val), test: toImages(sel.test) },
    provenance: {
      root: source.datasetDir ?? resolve(rootForProvenance),
      ...(source.splitFile ? { splitFile: source.splitFile } : {}),
      ...(sel.fewshotFile ? { fewshotFile: sel.fewshotFile } : {}),
      ...(shots !== undefined ? { shots, seed: options.seed ?? 1 } : {}),
      ...(sel.shotsUsed !== undefined ? { shotsRequested: options.shots } : {}),
      splitHash: splitHash(sel),
    },
  };
}
