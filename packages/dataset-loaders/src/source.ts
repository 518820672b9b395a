import type { ProblemList } from "./problems.js";
import type { ResolvedLayout } from "./resolve-layout.js";
import type { CoopEntry, CoopSplit, DatasetInfo } from "./types.js";

/** A dataset read from disk, before few-shot selection: the full split and where things are. */
export interface DatasetSource {
  name: string;
  displayName?: string;
  description?: string;
  classNames: readonly string[];
  /** "shared", "coop", "coop-imagenet", "fgvc-variants", "split-dir", "folder" or "manifest". */
  layout: string;
  datasetDir: string | null;
  /** Split paths are relative to this folder (absolute paths stay as they are). */
  imageDir: string;
  /** The file the split came from (split file, manifest), or null (folder). */
  splitFile: string | null;
  split: CoopSplit;
  /** True when train/val/test were made by `splitDataset` (own data without a split). */
  generatedSplit: boolean;
  /** Non-image files an image folder holds that were not read (paths relative to the folder). */
  skippedFiles?: string[];
  /** Registry entry (paper datasets only). */
  info?: DatasetInfo;
  /** Where CoOp few-shot lists may be (paper datasets and split dirs); own data samples instead. */
  fewshot?: ResolvedLayout;
  /**
   * A train split too large to list up front (CoOp's ImageNet: images/train, 1.28M files): `split.train`
   * is empty; `list` lists it (full-split loads), `count` counts it without keeping names (the checker).
   */
  deferredTrain?: {
    list(problems: ProblemList): Promise<CoopEntry[]>;
    count(problems: ProblemList): Promise<number>;
  };
}
