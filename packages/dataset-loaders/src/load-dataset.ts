import type { Dataset, DatasetLoader, DatasetLoadOptions } from "@vlmopt/core";
import { throwIfAborted } from "@vlmopt/core";
import { buildDataset, type SelectOptions } from "./build-dataset.js";
import type { HfOptions } from "./hf/hf-source.js";
import { readImageFolderSource } from "./image-folder-source.js";
import { readManifestSource } from "./manifest-source.js";
import type { OwnDataOptions } from "./own-data-options.js";
import { ProblemList, problemsToError } from "./problems.js";
import { readSource } from "./read-source.js";
import { getDatasetInfo } from "./registry.js";
import type { DatasetSource } from "./source.js";
import type { WdsOptions } from "./wds-source.js";

export interface LoadDatasetOptions extends SelectOptions, WdsOptions, HfOptions {
  /** The data root: a CoOp data root, the shared datasets folder, or the dataset's own folder. */
  root: string;
}

/**
 * Loads a dataset as core's Dataset. `name` is a registry name or alias (e.g. "eurosat",
 * "flowers102"), `folder:<dir>`, `manifest:<file>`, or an existing path (detected). With `shots`,
 * train/val are CoOp's K-shot lists for `seed` (own data: the seeded sampler) and test is the full
 * test split; without, the full splits. Throws DatasetFormatError listing the first problems.
 */
export async function loadDataset(name: string, options: LoadDatasetOptions): Promise<Dataset> {
  return loadFromSource(name, (problems) => readSource(name, options.root, options, problems), options);
}

/** loadDataset for a source read by `read` (a dataset-source entry's reader). */
export async function loadFromSource(
  name: string,
  read: (problems: ProblemList) => Promise<DatasetSource | undefined>,
  options: LoadDatasetOptions,
): Promise<Dataset> {
  throwIfAborted(options.signal);
  const problems = new ProblemList();
  const source = await read(problems);
  if (!source || problems.hasErrors) throw problemsToError(`Dataset "${name}"`, problems.problems);
  return buildDataset(source, options, problems, options.root);
}

export interface OwnDataLoadOptions
  extends OwnDataOptions,
    Omit<SelectOptions, "fewshotFile" | "fewshotSource"> {}

/**
 * Loads a folder of class sub-folders (or train/val/test sub-folders of class sub-folders). Without a
 * given split, `splitDataset` makes one (CoOp's 50/20/30, seed `splitSeed`); with `shots`, train and
 * val are `sampleFewShot` samples (K and min(K, 4) per class, seed `seed`).
 */
export async function loadImageFolder(root: string, options: OwnDataLoadOptions = {}): Promise<Dataset> {
  const problems = new ProblemList();
  const source = await readImageFolderSource(root, options, problems);
  if (!source || problems.hasErrors) throw problemsToError(`Image folder ${root}`, problems.problems);
  return buildDataset(source, options, problems, root);
}

/** Loads a CSV/JSONL manifest of `path,label[,split]` rows; splitting and sampling as in loadImageFolder. */
export async function loadManifest(path: string, options: OwnDataLoadOptions = {}): Promise<Dataset> {
  const problems = new ProblemList();
  const source = await readManifestSource(path, options, problems);
  if (!source || problems.hasErrors) throw problemsToError(`Manifest ${path}`, problems.problems);
  return buildDataset(source, options, problems, path);
}

/** Core's DatasetLoader for a registry dataset (or any name loadDataset accepts). */
export function createDatasetLoader(
  name: string,
  defaults: Partial<Omit<LoadDatasetOptions, keyof DatasetLoadOptions>> = {},
): DatasetLoader {
  const canonical = name.includes(":")
    ? name
    : (() => {
        try {
          return getDatasetInfo(name).name;
        } catch {
          return name;
        }
      })();
  return {
    specificationVersion: "v1",
    name: canonical,
    load: (options: DatasetLoadOptions) => loadDataset(name, { ...defaults, ...options }),
  };
}
