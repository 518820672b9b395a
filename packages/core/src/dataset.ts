/** One image with its class index (0-based, into `classNames`). */
export interface LabeledImage {
  /** Absolute path of the image file. */
  path: string;
  label: number;
}

export type SplitName = "train" | "val" | "test";

/**
 * A classification dataset as the optimization loop sees it. In the paper's protocol `train` is
 * the K-shot set used for scoring templates, `val` the K-shot validation set, `test` the full test set.
 */
export interface Dataset {
  /** Registry name, e.g. "eurosat". */
  name: string;
  displayName?: string;
  /** One sentence about the images, used by strategies that describe the task (APE). */
  description?: string;
  /** Class names in label order, as CoOp names them (underscores allowed; prompts replace them). */
  classNames: readonly string[];
  splits: Readonly<Record<SplitName, readonly LabeledImage[]>>;
  /** Where the images live, and how the splits were made (shots, seed, split file). */
  provenance?: DatasetProvenance;
}

export interface DatasetProvenance {
  root?: string;
  splitFile?: string;
  /** The few-shot list the train/val splits came from (CoOp's shot_K-seed_S file), if any. */
  fewshotFile?: string;
  /** K of the K-shot train split: the K actually used (the fewest images of a class, if below the request). */
  shots?: number;
  /** The K asked for, when a class had fewer images and the loader was allowed to use them all. */
  shotsRequested?: number;
  seed?: number;
  /** Content hash of the split lists (sha256 of the JSON of paths and labels). */
  splitHash?: string;
}

export interface DatasetLoadOptions {
  /** Directory the dataset lives in. */
  root: string;
  /** K in the K-shot protocol; absent means the full train split. */
  shots?: number;
  seed?: number;
  signal?: AbortSignal;
}

export interface DatasetLoader {
  readonly specificationVersion: "v1";
  readonly name: string;
  load(options: DatasetLoadOptions): Promise<Dataset>;
}
