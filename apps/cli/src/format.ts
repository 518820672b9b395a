import { isAbsolute, relative, resolve } from "node:path";
import type { BudgetUsage } from "@vlmopt/core";

/** 0.6123 → "61.2%"; null → "—". */
export function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${(value * 100).toFixed(1)}%`;
}

export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined) return "unknown";
  return value < 0.01 && value > 0 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}

export function int(value: number): string {
  return value.toLocaleString("en-US");
}

/** "12 LLM calls (2 cached), 3,456 tokens (in 3,000 / out 456), $0.0123" */
export function usageLine(u: BudgetUsage): string {
  const cached = u.cachedCalls > 0 ? ` (${u.cachedCalls} cached)` : "";
  return `${u.llmCalls} LLM calls${cached}, ${int(u.inputTokens + u.outputTokens)} tokens (in ${int(u.inputTokens)} / out ${int(u.outputTokens)}), cost ${usd(u.costUsd)}, ${u.evaluations} templates scored`;
}

/** Seconds as "42s", "3m05s", "1h02m". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
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
