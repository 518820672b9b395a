import type { ScoredTemplate } from "@vlmopt/core";
import { pct } from "../format-numbers.js";

export const TEMPLATE_HEADER = ["#", "train", "val", "step", "source", "template"];

/**
 * A ranked entry as a table shows it: `label` is the template, or a prompt set's summary
 * (`candidateLabel`; computed on the server, as the browser bundle takes no value from core).
 */
export type RankedRow = Pick<ScoredTemplate, "trainAccuracy" | "valAccuracy" | "step" | "source"> & {
  label: string;
};

/** Rows of a ranked template table (the reports' top and bottom templates). */
export function templateRows(list: readonly RankedRow[]): string[][] {
  return list.map((t, i) => [
    String(i + 1),
    pct(t.trainAccuracy),
    pct(t.valAccuracy),
    String(t.step),
    t.source,
    t.label,
  ]);
}
