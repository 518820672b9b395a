/** Number formats shared by the terminal, the reports and the browser UI (no Node imports). */

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

/** Seconds as "42s", "3m05s", "1h02m". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
