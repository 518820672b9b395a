import { isAbsolute, relative, resolve } from "node:path";
import type { BudgetUsage } from "@vlmopt/core";
import { int, usd } from "./format-numbers.js";

export { duration, int, pct, usd } from "./format-numbers.js";

/** "12 LLM calls (2 cached), 3,456 tokens (in 3,000 / out 456), $0.0123" */
export function usageLine(u: BudgetUsage): string {
  const cached = u.cachedCalls > 0 ? ` (${u.cachedCalls} cached)` : "";
  return `${u.llmCalls} LLM calls${cached}, ${int(u.inputTokens + u.outputTokens)} tokens (in ${int(u.inputTokens)} / out ${int(u.outputTokens)}), cost ${usd(u.costUsd)}, ${u.evaluations} templates scored`;
}

/** A plain-text table with left-aligned columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** A path as the user should see it: relative to the working directory when inside it, else absolute. */
export function shownPath(cwd: string, path: string): string {
  const absolute = resolve(cwd, path);
  const rel = relative(cwd, absolute);
  if (rel === "") return ".";
  return rel.startsWith("..") || isAbsolute(rel) ? absolute : rel;
}
