import { resolve } from "node:path";
import { type Selection, type SelectOptions, selectSplits, validateSelection } from "./build-dataset.js";
import { listFewShotFiles } from "./fewshot-lookup.js";
import { checkImageFiles } from "./image-check.js";
import { reportImageResults } from "./image-problems.js";
import { IMAGE_EXTENSIONS, type OwnDataOptions } from "./own-data-options.js";
import { ProblemList } from "./problems.js";
import { readSource } from "./read-source.js";
import type { DatasetSource } from "./source.js";
import { pickleLayouts, readFewShotCollectionInto } from "./split-file.js";
import type { CheckReport, CoopEntry, ImageCheckLevel } from "./types.js";
import {
  checkCounts,
  checkDuplicatePaths,
  checkEmptyClasses,
  checkFewShotCounts,
  checkLabels,
  checkSubset,
  checkTrainTestOverlap,
  type EntryList,
} from "./validate.js";
import type { WdsOptions } from "./wds-source.js";

export interface CheckDatasetOptions extends OwnDataOptions, WdsOptions, Omit<SelectOptions, "signal"> {
  /**
   * How images are checked: "header" (default: read, decode the header with sharp, check the
   * JPEG/PNG end marker, hash the bytes), "full" (decode every pixel), "exists" (stat only), "none".
   */
  images?: ImageCheckLevel;
  /**
   * An extra CoOp few-shot file to check (e.g. coop_splits/fewshot/eurosat.json.gz); with `shots`,
   * also the file the K-shot lists are taken from, as in loadDataset.
   */
  fewshotFile?: string;
  /** Files checked at once (default 16 for decoding, 64 for stat). */
  concurrency?: number;
  signal?: AbortSignal;
}

const pickleLayoutsOf = (source: DatasetSource) =>
  source.fewshot?.coopLayout ? [source.fewshot.coopLayout] : pickleLayouts();

async function checkFewShotFiles(
  source: DatasetSource,
  options: CheckDatasetOptions,
  split: { train: EntryList; val: EntryList; test: EntryList },
  problems: ProblemList,
): Promise<{ lists: EntryList[]; files: number }> {
  const lists: EntryList[] = [];
  const files = source.fewshot ? listFewShotFiles(source.fewshot, options.fewshotFile) : [];
  for (const file of files) {
    const samples = await readFewShotCollectionInto(file, problems, pickleLayoutsOf(source));
    if (!samples) continue;
    for (const [key, sample] of samples) {
      const train: EntryList = { name: `${key}.train`, file, entries: sample.train };
      const val: EntryList = { name: `${key}.val`, file, entries: sample.val };
      checkLabels(train, source.classNames, problems);
      checkLabels(val, source.classNames, problems);
      const shots = Number(/^shot_(\d+)-/.exec(key)?.[1]);
      if (Number.isInteger(shots)) checkFewShotCounts(key, shots, sample, file, problems);
      checkSubset(train, split.train, problems);
      checkSubset(val, split.val, problems);
      checkTrainTestOverlap([train, val], split.test, problems);
      lists.push(train, val);
    }
  }
  return { lists, files: files.length };
}

function emptyReport(name: string): CheckReport {
  return {
    ok: false,
    name,
    layout: null,
    datasetDir: null,
    splitFile: null,
    imageDir: null,
    problems: [],
    counts: {
      classes: 0,
      train: 0,
      val: 0,
      test: 0,
      imagesChecked: 0,
      imagesMissing: 0,
      imagesUnreadable: 0,
      fewshotFiles: 0,
    },
    classNames: [],
    skippedFiles: [],
    selection: null,
    missingFiles: [],
    unreadableFiles: [],
  };
}

/**
 * With `shots`: the K-shot lists loadDataset would use, selected and validated by the very code a
 * load runs (selectSplits, validateSelection), so the check finds what the load would reject: a
 * missing few-shot list, a list that overlaps the test split, labels out of range, empty classes.
 */
async function checkSelection(
  source: DatasetSource,
  options: CheckDatasetOptions,
  problems: ProblemList,
): Promise<Selection | undefined> {
  if (options.shots === undefined) return undefined;
  const selection = await selectSplits(source, options, problems);
  if (selection) validateSelection(source, selection, problems);
  return selection;
}

/**
 * Checks a dataset and reports every problem (not just the first): unreadable split/few-shot files
 * (missing, corrupt gzip, invalid JSON with line/column), bad entries, labels out of range, class
 * names that differ from CoOp's, empty classes, images in both train/val and test (by path, and by
 * content hash when images are read), counts that differ from CoOp's, few-shot lists that do not
 * fit their split, and missing or corrupt images. `ok` is false when any problem is an error.
 */
export async function checkDataset(
  name: string,
  root: string,
  options: CheckDatasetOptions = {},
): Promise<CheckReport> {
  return checkSource(name, (problems) => readSource(name, root, options, problems), options);
}

/** checkDataset for a source read by `read` (a dataset-source entry's reader). */
export async function checkSource(
  name: string,
  read: (problems: ProblemList) => Promise<DatasetSource | undefined>,
  options: CheckDatasetOptions = {},
): Promise<CheckReport> {
  const problems = new ProblemList();
  const report = emptyReport(name);
  const source = await read(problems);
  if (!source) {
    report.problems = problems.problems;
    return report;
  }
  const file = source.splitFile ?? source.imageDir;
  const split = {
    train: { name: "train", file, entries: source.split.train },
    val: { name: "val", file, entries: source.split.val },
    test: { name: "test", file, entries: source.split.test },
  };
  for (const list of [split.train, split.val, split.test]) {
    checkLabels(list, source.classNames, problems);
    checkDuplicatePaths(list, problems);
  }
  const { layout } = source;
  checkEmptyClasses(split.train, source.classNames, problems, "error", layout);
  checkEmptyClasses(split.val, source.classNames, problems, "warning", layout);
  checkEmptyClasses(
    split.test,
    source.classNames,
    problems,
    source.generatedSplit ? "warning" : "error",
    layout,
  );
  checkTrainTestOverlap([split.train, split.val], split.test, problems);
  // CoOp's ImageNet train folder (1.28M files) is counted, not listed.
  const trainCount = source.deferredTrain
    ? await source.deferredTrain.count(problems)
    : split.train.entries.length;
  if (source.info) {
    const counts = {
      train: trainCount,
      val: split.val.entries.length,
      test: split.test.entries.length,
    };
    checkCounts(counts, source.info.expectedCounts, file, source.info.displayName, problems);
  }
  const fewshot = await checkFewShotFiles(source, options, split, problems);
  const selection = await checkSelection(source, options, problems);
  if (source.skippedFiles && source.skippedFiles.length > 0) {
    problems.items({
      severity: "warning",
      code: "non-image-skipped",
      file: source.imageDir,
      items: source.skippedFiles,
      one: (item) => `${item} is not an image (by its extension) and was skipped`,
      many: (n) => `${n} files are not images (by their extension) and were skipped`,
      fix: `Nothing to do if they are not images; images need one of the extensions ${IMAGE_EXTENSIONS.join(" ")}.`,
    });
  }

  // Images: every distinct file of the split, of the few-shot lists and of the K-shot selection.
  const abs = (e: CoopEntry) => resolve(source.imageDir, e[0]);
  const selected = selection ? [selection.train, selection.val] : [];
  const trainLike = [split.train, split.val, ...fewshot.lists, ...selected];
  const files = [...new Set([...trainLike, split.test].flatMap((l) => l.entries.map(abs)))];
  const level = options.images ?? "header";
  const images = await checkImageFiles(files, level, {
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  reportImageResults(images, source.imageDir, files.length, problems, source.info?.source);

  // The same bytes under different paths in train/val and test.
  if (images.hashes.size > 0) {
    const trainHashes = new Map<string, string>();
    for (const l of trainLike)
      for (const e of l.entries) {
        const h = images.hashes.get(abs(e));
        if (h) trainHashes.set(h, e[0]);
      }
    const dups: string[] = [];
    for (const e of split.test.entries) {
      const h = images.hashes.get(abs(e));
      const other = h ? trainHashes.get(h) : undefined;
      if (other !== undefined && other !== e[0]) dups.push(`test ${e[0]} = train/val ${other}`);
    }
    problems.items({
      severity: "error",
      code: "duplicate-image-across-splits",
      file,
      items: dups,
      one: (item) => `Identical image bytes in train/val and test: ${item}`,
      many: (n) => `${n} test images are byte-identical to a train/val image`,
      fix: "Remove the duplicate from one split, so test images are never seen in training.",
    });
  }

  report.ok = !problems.hasErrors;
  report.layout = source.layout;
  report.datasetDir = source.datasetDir;
  report.splitFile = source.splitFile;
  report.imageDir = source.imageDir;
  report.problems = problems.problems;
  report.classNames = [...source.classNames];
  report.skippedFiles = source.skippedFiles ?? [];
  if (selection && options.shots !== undefined) {
    report.selection = {
      shots: options.shots,
      seed: options.seed ?? 1,
      source: selection.fewshotFile !== null ? "coop" : "sample",
      fewshotFile: selection.fewshotFile,
      train: selection.train.entries.length,
      val: selection.val.entries.length,
      test: selection.test.entries.length,
    };
  }
  report.counts = {
    classes: source.classNames.length,
    train: trainCount,
    val: split.val.entries.length,
    test: split.test.entries.length,
    imagesChecked: level === "none" ? 0 : files.length,
    imagesMissing: images.missing.length,
    imagesUnreadable: images.unreadable.length,
    fewshotFiles: fewshot.files,
  };
  report.missingFiles = images.missing;
  report.unreadableFiles = images.unreadable.map((u) => u.file);
  return report;
}
