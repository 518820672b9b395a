import type { ScoredTemplate } from "@vlmopt/core";
import { pct } from "../format-numbers.js";

export const TEMPLATE_HEADER = ["#", "train", "val", "step", "source", "template"];

/** Rows of a ranked template table (the reports' top and bottom templates). */
export function templateRows(list: readonly ScoredTemplate[]): string[][] {
  return list.map((t, i) => [
    String(i + 1),
    pct(t.trainAccuracy),
    pct(t.valAccuracy),
    String(t.step),
    t.source,
    t.template,
  ]);
}
