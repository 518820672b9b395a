/** One CoOp split entry: `[relpath, label, classname]`, relpath relative to the dataset's image dir. */
export type CoopEntry = readonly [relpath: string, label: number, className: string];

/** CoOp's `split_zhou_<Name>.json`: `{"train": [...], "val": [...], "test": [...]}`. */
export interface CoopSplit {
  train: CoopEntry[];
  val: CoopEntry[];
  test: CoopEntry[];
}

/** One CoOp few-shot sample (`shot_K-seed_S`): K images per class for train, min(K, 4) for val. */
export interface FewShotSplit {
  train: CoopEntry[];
  val: CoopEntry[];
}

/** Per-split image counts. `null` where CoOp has no such split (ImageNet val). */
export interface SplitCounts {
  train: number | null;
  val: number | null;
  test: number;
}

/** How CoOp lays a dataset out under its data root (KaiyangZhou/CoOp DATASETS.md). */
export interface CoopLayout {
  /** Folder under the data root, e.g. "eurosat", "caltech-101". */
  datasetDir: string;
  /** Folder the split paths are relative to, inside `datasetDir` ("" = datasetDir itself), e.g. "2750". */
  imageDir: string;
  /** CoOp's split file inside `datasetDir`, e.g. "split_zhou_EuroSAT.json"; null where CoOp has none. */
  splitFile: string | null;
  /** Folder with CoOp's few-shot files inside `datasetDir`. */
  fewshotDir: string;
}

/** One of the paper's 11 datasets. */
export interface DatasetInfo {
  /** CoOp loader key, e.g. "eurosat", "oxford_flowers". */
  name: string;
  /** Other accepted names, e.g. "flowers102". */
  aliases: readonly string[];
  displayName: string;
  /** One sentence about the images (APE meta-prompts use it). */
  description: string;
  /** CoOp's class names in label order. */
  classNames: readonly string[];
  /** ImageNet only: the WordNet ids (CoOp's class folders, `images/{train,val}/<wnid>/`) in label order. */
  wnids?: readonly string[];
  /** CoOp's split counts (split_zhou files; ImageNet: official train / val-as-test). */
  expectedCounts: SplitCounts;
  layout: CoopLayout;
  /** Extra folder names tried under a root (e.g. the shared "imagenet_sample"). */
  folderNames: readonly string[];
  /** Where to get the images, as text with URLs. */
  source: string;
  /**
   * A dataset that ships inside this package (the `demo` EuroSAT subset): its folder (images/,
   * split.json, classnames.txt, split_fewshot/). It is found without a data root.
   */
  embeddedDir?: string;
}

export type ProblemSeverity = "error" | "warning";

/** One thing wrong with a dataset, with the file/entry it concerns and what to do. */
export interface DatasetProblem {
  severity: ProblemSeverity;
  /** Machine-readable kind, e.g. "image-missing", "json-invalid". */
  code: string;
  file?: string;
  entry?: string;
  message: string;
  fix: string;
  /** How many files/entries this problem stands for (when many of one kind were merged). */
  count?: number;
  /** Every affected file/entry when merged (absolute paths for files). */
  items?: readonly string[];
}

export interface CheckCounts {
  classes: number;
  train: number;
  val: number;
  test: number;
  /** Distinct image files checked on disk. */
  imagesChecked: number;
  imagesMissing: number;
  imagesUnreadable: number;
  /** Few-shot files read. */
  fewshotFiles: number;
}

export interface CheckReport {
  /** True when there is no problem of severity "error". */
  ok: boolean;
  name: string;
  /** Which layout was found: "shared", "coop", "coop-imagenet", "fgvc-variants", "split-dir", "folder", "manifest". */
  layout: string | null;
  datasetDir: string | null;
  splitFile: string | null;
  imageDir: string | null;
  problems: DatasetProblem[];
  counts: CheckCounts;
  /** The class names, in label order (empty when the dataset could not be read). */
  classNames: string[];
  /** Files of an image folder that are not images and were not read (relative to the folder). */
  skippedFiles: string[];
  /**
   * With `shots`: the K-shot lists a load (and so `vlmopt optimize`) would use, checked as the load
   * checks them; null when no `shots` was given or no list could be selected.
   */
  selection: CheckSelection | null;
  /** Every missing image file (absolute paths), for reports that list them all. */
  missingFiles: string[];
  /** Every unreadable/corrupt image file (absolute paths). */
  unreadableFiles: string[];
}

/** The K-shot selection a check made (the one a load with the same options makes). */
export interface CheckSelection {
  shots: number;
  seed: number;
  /** "coop": CoOp's published list; "sample": the seeded sample of the split. */
  source: "coop" | "sample";
  /** The few-shot list used (`<file>#shot_K-seed_S` for an entry of a collection), or null for a sample. */
  fewshotFile: string | null;
  train: number;
  val: number;
  test: number;
}

/** How thoroughly image files are checked. */
export type ImageCheckLevel = "none" | "exists" | "header" | "full";
