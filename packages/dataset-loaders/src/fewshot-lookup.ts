import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ProblemList } from "./problems.js";
import type { ResolvedLayout } from "./resolve-layout.js";
import { fewshotKey, pickleLayouts, readFewShotCollectionInto, sampleKey } from "./split-file.js";
import type { FewShotSplit } from "./types.js";

export interface FoundFewShot {
  sample: FewShotSplit;
  file: string;
  /** True when the sample is one entry of a per-dataset collection (e.g. `fewshot/eurosat.json.gz`). */
  fromCollection: boolean;
}

/**
 * Finds CoOp's `shot_K-seed_S` sample: `fewshotFile` if given, else `<fewshotDir>/shot_K-seed_S.json`
 * (or .json.gz, or CoOp's .pkl), else a per-dataset collection near the root
 * (`coop_splits/fewshot/<name>.json.gz`). Reports "fewshot-missing" when none is found.
 */
export async function findFewShot(
  layout: ResolvedLayout | undefined,
  shots: number,
  seed: number,
  fewshotFile: string | undefined,
  problems: ProblemList,
): Promise<FoundFewShot | undefined> {
  const key = fewshotKey(shots, seed);
  const searched: string[] = [];
  const files: string[] = [];
  if (fewshotFile) files.push(resolve(fewshotFile));
  else if (layout) {
    for (const dir of layout.fewshotDirs) {
      for (const ext of [".json", ".json.gz", ".pkl"]) {
        const file = join(dir, `${key}${ext}`);
        searched.push(file);
        if (existsSync(file)) files.push(file);
      }
    }
    files.push(...layout.fewshotCollections);
    searched.push(...layout.fewshotCollections);
  }
  const layouts = layout?.coopLayout ? [layout.coopLayout] : pickleLayouts();
  for (const file of files) {
    const samples = await readFewShotCollectionInto(file, problems, layouts);
    if (!samples) return undefined;
    const sample =
      samples.get(key) ?? (samples.size === 1 && fewshotFile ? [...samples.values()][0] : undefined);
    if (sample) {
      const only = samples.size === 1 ? [...samples.keys()][0] : undefined;
      return { sample, file, fromCollection: only !== sampleKey(file) };
    }
    if (fewshotFile) {
      problems.error(
        "fewshot-missing",
        `${file} has no sample "${key}" (it has: ${[...samples.keys()].join(", ") || "none"})`,
        "Pick shots and seed from the listed samples, or pass a file that has this one.",
        { file, entry: key },
      );
      return undefined;
    }
  }
  problems.error(
    "fewshot-missing",
    `No CoOp few-shot list ${key} found (looked at: ${searched.join(", ") || "nothing"})`,
    "Put CoOp's list at <dataset>/split_fewshot/" +
      `${key}.json (or CoOp's ${key}.pkl), pass fewshotFile (e.g. ../shared/datasets/coop_splits/fewshot/<dataset>.json.gz), or use fewshotSource "sample" for a seeded sample.`,
    { entry: key },
  );
  return undefined;
}

/**
 * The few-shot files that belong to a dataset folder (`<fewshotDir>/shot_K-seed_S.json|.json.gz|.pkl`), plus
 * `extra` (a file passed explicitly), for the checker. Collections found near the root are a
 * fallback for loading only: they cover every K, whose images a subset may not have.
 */
export function listFewShotFiles(layout: ResolvedLayout | undefined, extra?: string): string[] {
  const files = new Set<string>();
  if (extra) files.add(resolve(extra));
  if (layout) {
    for (const dir of layout.fewshotDirs) {
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        names = [];
      }
      for (const name of names.sort())
        if (/^shot_\d+-seed_\d+\.(json(\.gz)?|pkl)$/.test(name)) files.add(join(dir, name));
    }
  }
  return [...files];
}
