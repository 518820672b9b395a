import { existsSync, statSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { ConfigError } from "@vlmopt/core";
import { splitFileSource } from "../coop-split-links.js";
import type { DatasetPlan } from "./catalog.js";

/** What `datasets download` did (or, for a dry run, would do) about CoOp's split file and few-shot lists. */
export interface SplitsReport {
  /** The folder they were taken from (`--splits` / VLMOPT_COOP_SPLITS); null when none was given. */
  from: string | null;
  /** The dataset's CoOp split file, e.g. "split_zhou_EuroSAT.json"; null where CoOp has none. */
  splitFile: string | null;
  /** Where the split file is (in the dataset folder; a dry run: in `from`); null when it is missing. */
  splitFilePath: string | null;
  /** True when the dataset needs `splitFile` and neither the dataset folder nor `from` has it. */
  splitFileMissing: boolean;
  /** `split_fewshot/` once CoOp's few-shot lists are there (a dry run: the list in `from`); else null. */
  fewshot: string | null;
  /** Why CoOp's few-shot lists are not there and what that means; null when they are (or none apply). */
  fewshotNote: string | null;
}

/**
 * Checks a `--splits` folder (the layout of ../shared/datasets/coop_splits) before anything is written.
 * Returns it resolved, or null when none was given.
 */
export function splitsFolder(dir: string | undefined): string | null {
  if (dir === undefined || dir === "") return null;
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new ConfigError(
      `The splits folder ${abs} ${existsSync(abs) ? "is not a folder" : "does not exist"}`,
      {
        hint: "Pass --splits (or VLMOPT_COOP_SPLITS) a folder holding CoOp's split_zhou_<Name>.json[.gz] and fewshot/<dataset>.json.gz, laid out like ../shared/datasets/coop_splits",
      },
    );
  }
  return abs;
}

const firstExisting = (...paths: string[]) => paths.find((p) => existsSync(p)) ?? null;

const splitFileIn = (dir: string, file: string) => firstExisting(join(dir, file), join(dir, `${file}.gz`));

const collectionIn = (splits: string, name: string) =>
  firstExisting(join(splits, "fewshot", `${name}.json.gz`), join(splits, "fewshot", `${name}.json`));

async function hasFewShotFiles(dir: string): Promise<boolean> {
  if (!existsSync(dir)) return false;
  return (await readdir(dir)).some((f) => /^shot_\d+-seed_\d+\.(json(\.gz)?|pkl)$/.test(f));
}

function fewshotNote(plan: DatasetPlan, splits: string | null): string {
  const why = splits
    ? `${join(splits, "fewshot", `${plan.name}.json.gz`)} does not exist`
    : "no --splits folder was given";
  return `CoOp's few-shot lists for ${plan.name} were not added (${why}), so optimize and eval need --fewshot-source sample (a seeded sample, not CoOp's exact sets) or --fewshot-file; for CoOp's sets, run again with --splits <dir> holding fewshot/${plan.name}.json.gz (laid out like ../shared/datasets/coop_splits).`;
}

/** For a dry run: what a download would take from `splits`, writing nothing. */
export function planSplits(plan: DatasetPlan, splits: string | null): SplitsReport {
  const source = plan.splitFile && splits ? splitFileIn(splits, plan.splitFile) : null;
  const collection = plan.fewshotLists && splits ? collectionIn(splits, plan.name) : null;
  return {
    from: splits,
    splitFile: plan.splitFile,
    splitFilePath: source,
    splitFileMissing: plan.splitFile !== null && source === null,
    fewshot: collection,
    fewshotNote: plan.fewshotLists && !collection ? fewshotNote(plan, splits) : null,
  };
}

/** For a dry run: the split file the dataset needs and that `from` lacks, and where to get it. */
export function splitFileNeeded(splitFile: string, from: string | null): string {
  const why = from ? `is not in ${from}` : "is not given (pass --splits <dir>)";
  return `CoOp's ${splitFile} ${why}: the images would download, but the dataset does not load until it is there; get it ${splitFileSource(splitFile)}`;
}

/**
 * Adds CoOp's split file (copied as it is, plain or .gz) and few-shot lists
 * (`split_fewshot/shot_K-seed_S.json`, from `fewshot/<name>.json.gz`) from `splits` into the dataset
 * folder `dir`. Never overwrites a file that is there. A file `splits` lacks is reported, not an error:
 * the images stay, and `datasets check` names what is missing.
 */
export async function addSplits(
  plan: DatasetPlan,
  dir: string,
  splits: string | null,
): Promise<SplitsReport> {
  let splitFilePath: string | null = null;
  if (plan.splitFile) {
    splitFilePath = splitFileIn(dir, plan.splitFile);
    const source = splitFilePath || !splits ? null : splitFileIn(splits, plan.splitFile);
    if (source) {
      splitFilePath = join(dir, basename(source));
      await copyFile(source, splitFilePath);
    }
  }
  const fewshotDir = join(dir, "split_fewshot");
  const collection = plan.fewshotLists && splits ? collectionIn(splits, plan.name) : null;
  if (collection) {
    let samples: Record<string, unknown>;
    try {
      const raw = await readFile(collection);
      samples = JSON.parse((collection.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8"));
    } catch (error) {
      throw new ConfigError(
        `${collection} is not a readable few-shot list collection: ${(error as Error).message}`,
        {
          hint: `Replace it with CoOp's fewshot/${plan.name}.json.gz (as in ../shared/datasets/coop_splits), or remove it`,
        },
      );
    }
    await mkdir(fewshotDir, { recursive: true });
    for (const [key, sample] of Object.entries(samples)) {
      const file = join(fewshotDir, `${key}.json`);
      if (!existsSync(file)) await writeFile(file, JSON.stringify(sample));
    }
  }
  const haveFewShot = plan.fewshotLists && (collection !== null || (await hasFewShotFiles(fewshotDir)));
  const splitFileMissing = plan.splitFile !== null && splitFilePath === null;
  return {
    from: splits,
    splitFile: plan.splitFile,
    splitFilePath,
    splitFileMissing,
    fewshot: haveFewShot ? fewshotDir : null,
    // A missing split file is the check's error, whose fix names the few-shot lists too.
    fewshotNote: plan.fewshotLists && !haveFewShot && !splitFileMissing ? fewshotNote(plan, splits) : null,
  };
}
