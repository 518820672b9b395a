import { isPickleFile, readFewShotPickle } from "./coop-pickle.js";
import { readJsonFile } from "./json-file.js";
import { ProblemList, problemsToError } from "./problems.js";
import { DATASETS, getDatasetInfo } from "./registry.js";
import type { CoopEntry, CoopLayout, CoopSplit, FewShotSplit } from "./types.js";

/** CoOp's few-shot key, e.g. `shot_1-seed_1`. */
export function fewshotKey(shots: number, seed: number): string {
  return `shot_${shots}-seed_${seed}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Validates a list of `[relpath, label, classname]` entries; bad entries are reported and skipped. */
export function parseCoopEntries(
  value: unknown,
  file: string,
  listName: string,
  problems: ProblemList,
): CoopEntry[] {
  if (!Array.isArray(value)) {
    problems.error(
      "split-schema",
      `"${listName}" in ${file} is ${value === undefined ? "missing" : "not a list"}`,
      `Give "${listName}" as a list of [relpath, label, classname] entries (CoOp's split format).`,
      { file, entry: listName },
    );
    return [];
  }
  const entries: CoopEntry[] = [];
  const bad: string[] = [];
  value.forEach((item: unknown, index) => {
    if (
      Array.isArray(item) &&
      item.length >= 2 &&
      typeof item[0] === "string" &&
      item[0].length > 0 &&
      typeof item[1] === "number" &&
      (item.length < 3 || typeof item[2] === "string")
    ) {
      entries.push([item[0], item[1], typeof item[2] === "string" ? item[2] : ""]);
    } else {
      bad.push(`${listName}[${index}] = ${JSON.stringify(item)?.slice(0, 80)}`);
    }
  });
  problems.items({
    severity: "error",
    code: "split-entry-invalid",
    file,
    items: bad,
    one: (item) => `Entry ${item} is not [relpath, label, classname]`,
    many: (n) => `${n} entries of "${listName}" are not [relpath, label, classname]`,
    fix: "Each entry must be [relative image path (string), label (integer), class name (string)].",
  });
  return entries;
}

/** A parsed split value, or undefined (with problems) when it is not CoOp's split format. */
export function parseSplitValue(value: unknown, file: string, problems: ProblemList): CoopSplit | undefined {
  if (!isRecord(value)) {
    if (value !== undefined) {
      problems.error(
        "split-schema",
        `${file} is not a JSON object with "train", "val" and "test" lists`,
        'Use CoOp\'s split format: {"train": [[relpath, label, classname], ...], "val": [...], "test": [...]}.',
        { file },
      );
    }
    return undefined;
  }
  return {
    train: parseCoopEntries(value.train, file, "train", problems),
    val: parseCoopEntries(value.val, file, "val", problems),
    test: parseCoopEntries(value.test, file, "test", problems),
  };
}

/** A parsed few-shot value `{"train": [...], "val": [...]}`. */
export function parseFewShotValue(
  value: unknown,
  file: string,
  problems: ProblemList,
  prefix = "",
): FewShotSplit | undefined {
  if (!isRecord(value)) {
    problems.error(
      "fewshot-schema",
      `${prefix ? `"${prefix}" in ` : ""}${file} is not an object with "train" and "val" lists`,
      'Use CoOp\'s few-shot format: {"train": [[relpath, label, classname], ...], "val": [...]}.',
      { file, ...(prefix ? { entry: prefix } : {}) },
    );
    return undefined;
  }
  const name = (list: string) => (prefix ? `${prefix}.${list}` : list);
  return {
    train: parseCoopEntries(value.train, file, name("train"), problems),
    val: parseCoopEntries(value.val ?? [], file, name("val"), problems),
  };
}

/** CoOp layouts a pickle's absolute paths are mapped with: the named dataset's, or every registry dataset's. */
export function pickleLayouts(dataset?: string): readonly CoopLayout[] {
  return dataset ? [getDatasetInfo(dataset).layout] : DATASETS.map((d) => d.layout);
}

/** The few-shot key in a file name (`.../shot_1-seed_2.json` → `shot_1-seed_2`), or "default". */
export const sampleKey = (path: string): string => /(shot_\d+-seed_\d+)/.exec(path)?.[1] ?? "default";

/**
 * A few-shot file's samples by key. Accepts a single sample (`shot_K-seed_S.json`, keyed by its
 * file name), a collection `{"shot_K-seed_S": {...}, ...}` (CoOp lists per dataset, plain or .gz),
 * or CoOp's pickle `shot_K-seed_S.pkl` (Datum paths mapped with `layouts`, see coopRelativePath).
 */
export async function readFewShotCollectionInto(
  path: string,
  problems: ProblemList,
  layouts: readonly CoopLayout[] = pickleLayouts(),
): Promise<Map<string, FewShotSplit> | undefined> {
  if (isPickleFile(path)) {
    const sample = await readFewShotPickle(path, layouts, problems);
    return sample ? new Map([[sampleKey(path), sample]]) : undefined;
  }
  const value = await readJsonFile(path, problems);
  if (value === undefined) return undefined;
  const out = new Map<string, FewShotSplit>();
  if (isRecord(value) && !("train" in value)) {
    for (const [key, sample] of Object.entries(value)) {
      const parsed = parseFewShotValue(sample, path, problems, key);
      if (parsed) out.set(key, parsed);
    }
    return out;
  }
  const parsed = parseFewShotValue(value, path, problems);
  if (!parsed) return undefined;
  out.set(sampleKey(path), parsed);
  return out;
}

/** Reads CoOp's `split_zhou_<Name>.json` (plain or .gz). Throws DatasetFormatError listing problems. */
export async function readSplitFile(path: string): Promise<CoopSplit> {
  const problems = new ProblemList();
  const value = await readJsonFile(path, problems);
  const split = parseSplitValue(value, path, problems);
  if (!split || problems.hasErrors) throw problemsToError(`Split file ${path}`, problems.problems);
  return split;
}

/**
 * Every sample in a few-shot file, keyed `shot_K-seed_S`. `dataset` (a registry name) says which
 * CoOp image folder a pickle's absolute paths are relative to; without it every registry dataset's is
 * tried. Throws DatasetFormatError listing problems.
 */
export async function readFewShotCollection(
  path: string,
  options: { dataset?: string } = {},
): Promise<Map<string, FewShotSplit>> {
  const problems = new ProblemList();
  const samples = await readFewShotCollectionInto(path, problems, pickleLayouts(options.dataset));
  if (!samples || problems.hasErrors) throw problemsToError(`Few-shot file ${path}`, problems.problems);
  return samples;
}

/**
 * Reads one CoOp few-shot sample: a `shot_K-seed_S.json` or CoOp's `shot_K-seed_S.pkl` file, or the
 * `shot_K-seed_S` entry of a per-dataset collection (e.g. `coop_splits/fewshot/eurosat.json.gz`,
 * which needs shots and seed). `dataset` as in readFewShotCollection.
 */
export async function readFewShotFile(
  path: string,
  options: { shots?: number; seed?: number; dataset?: string } = {},
): Promise<FewShotSplit> {
  const samples = await readFewShotCollection(path, options.dataset ? { dataset: options.dataset } : {});
  if (options.shots === undefined) {
    const only = samples.size === 1 ? [...samples.values()][0] : undefined;
    if (only) return only;
  }
  const key = fewshotKey(options.shots ?? 1, options.seed ?? 1);
  const sample =
    samples.get(key) ?? (samples.size === 1 && samples.has("default") ? samples.get("default") : undefined);
  if (sample) return sample;
  throw problemsToError(`Few-shot file ${path}`, [
    {
      severity: "error",
      code: "fewshot-missing",
      file: path,
      entry: key,
      message: `${path} has no sample "${key}" (it has: ${[...samples.keys()].join(", ") || "none"})`,
      fix: "Pick shots and seed from the listed samples, or use a file that has this one.",
    },
  ]);
}
