/**
 * The paper's published 1-shot numbers (RN50, mean of seeds 1–3), for side-by-side comparison.
 *
 * NOT EMBEDDED: the table of Liu, Yu, Lin, Pathak, Ramanan, "Language Models as Black-Box
 * Optimizers for Vision-Language Models", CVPR 2024 (arXiv 2309.05950) could not be read from a
 * source available while this package was written, and numbers are never typed in from memory.
 * `rows` is therefore empty; fill it only with values read from the paper (percent, one decimal),
 * keyed by this package's method ids and dataset names.
 */
export interface PublishedTable {
  source: string;
  backbone: string;
  protocol: string;
  /** rows[method][dataset] = accuracy in percent. */
  rows: Record<string, Record<string, number>>;
  /** Why rows may be empty. */
  note: string;
}

export const PAPER_SOURCE =
  'Liu, Yu, Lin, Pathak, Ramanan. "Language Models as Black-Box Optimizers for Vision-Language Models". CVPR 2024. arXiv:2309.05950, main 1-shot comparison table.';

export const PUBLISHED_1SHOT: PublishedTable = {
  source: PAPER_SOURCE,
  backbone: "CLIP RN50",
  protocol: "1-shot, CoOp splits, mean of seeds 1–3",
  rows: {},
  note: "The published numbers are not embedded: the paper's table could not be read from a source available when vlmopt-bench was written, and no number is entered from memory. Compare with the paper's table directly.",
};

/** True when the table has at least one number. */
export function hasPublishedNumbers(table: PublishedTable): boolean {
  return Object.values(table.rows).some((row) => Object.keys(row).length > 0);
}
