import { DatasetFormatError } from "@vlmopt/core";
import type { DatasetProblem, ProblemSeverity } from "./types.js";

/** At most this many problems of one kind are listed one by one; more are merged into one. */
export const MAX_LISTED_PER_KIND = 10;

export interface ItemProblems {
  severity: ProblemSeverity;
  code: string;
  /** The list/split file the entries come from, if any. */
  file?: string;
  /** Affected entries (file paths or entry descriptions). */
  items: readonly string[];
  /** Message for one item. */
  one: (item: string) => string;
  /** Message for `count` items, merged (examples are appended). */
  many: (count: number) => string;
  fix: string;
  /** Put the item into `file` rather than `entry` (when items are image paths). */
  itemIsFile?: boolean;
}

/** Collects problems; many of one kind become one merged problem that still lists every item. */
export class ProblemList {
  readonly problems: DatasetProblem[] = [];

  add(problem: DatasetProblem): void {
    this.problems.push(problem);
  }

  error(code: string, message: string, fix: string, where: { file?: string; entry?: string } = {}): void {
    this.add({ severity: "error", code, message, fix, ...where });
  }

  warning(code: string, message: string, fix: string, where: { file?: string; entry?: string } = {}): void {
    this.add({ severity: "warning", code, message, fix, ...where });
  }

  items(spec: ItemProblems): void {
    const { items } = spec;
    if (items.length === 0) return;
    if (items.length <= MAX_LISTED_PER_KIND) {
      for (const item of items) {
        this.add({
          severity: spec.severity,
          code: spec.code,
          ...(spec.itemIsFile ? { file: item } : { entry: item, ...(spec.file ? { file: spec.file } : {}) }),
          message: spec.one(item),
          fix: spec.fix,
        });
      }
      return;
    }
    const examples = items.slice(0, 3).join(", ");
    this.add({
      severity: spec.severity,
      code: spec.code,
      ...(spec.file ? { file: spec.file } : {}),
      message: `${spec.many(items.length)} (e.g. ${examples}; all ${items.length} are listed in this problem's items)`,
      fix: spec.fix,
      count: items.length,
      items: [...items],
    });
  }

  get errors(): DatasetProblem[] {
    return this.problems.filter((p) => p.severity === "error");
  }

  get hasErrors(): boolean {
    return this.problems.some((p) => p.severity === "error");
  }
}

/** One line for a problem: `[code] message (file: …, entry: …) — fix`. */
export function formatProblem(problem: DatasetProblem): string {
  const where = [problem.file ? `file: ${problem.file}` : "", problem.entry ? `entry: ${problem.entry}` : ""]
    .filter(Boolean)
    .join(", ");
  return `[${problem.severity} ${problem.code}] ${problem.message}${where ? ` (${where})` : ""} — fix: ${problem.fix}`;
}

/** A DatasetFormatError listing the first `limit` errors of a dataset. */
export function problemsToError(
  what: string,
  problems: readonly DatasetProblem[],
  limit = 5,
): DatasetFormatError {
  const errors = problems.filter((p) => p.severity === "error");
  const shown = errors.slice(0, limit);
  const more = errors.length - shown.length;
  const lines = shown.map((p) => `  - ${formatProblem(p)}`);
  if (more > 0) lines.push(`  - … and ${more} more`);
  const fixes = [...new Set(shown.map((p) => p.fix))].slice(0, 2).join(" ");
  return new DatasetFormatError(
    `${what} cannot be loaded: ${errors.length} problem${errors.length === 1 ? "" : "s"}:\n${lines.join("\n")}`,
    { hint: `${fixes} Run checkDataset (vlmopt datasets check) for the full report.` },
  );
}
