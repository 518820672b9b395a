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

  /** Adds a problem, once: the same problem found by two checks (a split and a list drawn from it) is kept once. */
  add(problem: DatasetProblem): void {
    const same = (p: DatasetProblem) =>
      p.severity === problem.severity &&
      p.code === problem.code &&
      p.message === problem.message &&
      p.file === problem.file &&
      p.entry === problem.entry;
    if (!this.problems.some(same)) this.problems.push(problem);
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

/** One problem without its fix: `[code] message (file: …, entry: …)`. */
function problemLine(problem: DatasetProblem): string {
  const where = [problem.file ? `file: ${problem.file}` : "", problem.entry ? `entry: ${problem.entry}` : ""]
    .filter(Boolean)
    .join(", ");
  return `[${problem.code}] ${problem.message}${where ? ` (${where})` : ""}`;
}

/**
 * The DatasetFormatError that loading throws: `what` and the error problems (all of them, not only
 * the listed ones) are kept on it so that an app can present them its own way.
 */
export class DatasetProblemsError extends DatasetFormatError {
  /** e.g. `Dataset "eurosat" at /data/eurosat`. */
  readonly what: string;
  /** Every problem of severity "error". */
  readonly problems: readonly DatasetProblem[];

  constructor(what: string, problems: readonly DatasetProblem[], message: string, hint: string) {
    super(message, { hint });
    this.what = what;
    this.problems = problems;
  }
}

/**
 * A DatasetFormatError listing the first `limit` errors of a dataset with each fix once: when they
 * share one fix it is the hint (after the list); otherwise each problem line ends with its fix
 * ("as above" when it repeats the previous one) and the hint points to the full report.
 */
export function problemsToError(
  what: string,
  problems: readonly DatasetProblem[],
  limit = 5,
): DatasetProblemsError {
  const errors = problems.filter((p) => p.severity === "error");
  const shown = errors.slice(0, limit);
  const more = errors.length - shown.length;
  const oneFix = new Set(shown.map((p) => p.fix)).size === 1;
  const lines = shown.map((p, i) => {
    if (oneFix) return `  - ${problemLine(p)}`;
    return `  - ${problemLine(p)} — fix: ${i > 0 && shown[i - 1]?.fix === p.fix ? "as above" : p.fix}`;
  });
  if (more > 0) lines.push(`  - … and ${more} more`);
  const count = `${errors.length} problem${errors.length === 1 ? "" : "s"}`;
  const report = "Run checkDataset (vlmopt datasets check) for the full report.";
  return new DatasetProblemsError(
    what,
    errors,
    `${what} cannot be loaded: ${count}:\n${lines.join("\n")}`,
    oneFix ? `${shown[0]?.fix} ${report}` : report,
  );
}
