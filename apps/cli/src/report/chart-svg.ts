import { escapeHtml } from "./escape.js";
import type { ChartPoint } from "./report-data.js";

export interface ChartOptions {
  width?: number;
  height?: number;
}

/**
 * An inline SVG chart of train accuracy against LLM calls: one dot per scored candidate and the
 * best-so-far as a step line. No scripts, fonts or external references.
 */
export function accuracyChartSvg(points: readonly ChartPoint[], options: ChartOptions = {}): string {
  const W = options.width ?? 720;
  const H = options.height ?? 360;
  const m = { left: 56, right: 16, top: 24, bottom: 44 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const maxCalls = Math.max(1, ...points.map((p) => p.calls));
  const accs = points.map((p) => p.trainAccuracy);
  let lo = accs.length ? Math.min(...accs) : 0;
  let hi = accs.length ? Math.max(...accs) : 1;
  lo = Math.max(0, Math.floor(lo * 10 - 0.5) / 10);
  hi = Math.min(1, Math.ceil(hi * 10 + 0.5) / 10);
  if (hi - lo < 0.1) hi = Math.min(1, lo + 0.1);
  const x = (calls: number) => m.left + (calls / maxCalls) * pw;
  const y = (acc: number) => m.top + (1 - (acc - lo) / (hi - lo)) * ph;
  const f = (n: number) => n.toFixed(1);
  const parts: string[] = [];
  parts.push(
    `<svg class="chart" role="img" aria-label="accuracy versus LLM calls" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">`,
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`,
  );
  // Grid and y ticks.
  const yTicks = 5;
  for (let i = 0; i <= yTicks; i++) {
    const acc = lo + ((hi - lo) * i) / yTicks;
    parts.push(
      `<line x1="${m.left}" x2="${W - m.right}" y1="${f(y(acc))}" y2="${f(y(acc))}" stroke="#e3e6ea" stroke-width="1"/>`,
      `<text x="${m.left - 6}" y="${f(y(acc) + 4)}" font-size="11" text-anchor="end" fill="#444">${(acc * 100).toFixed(0)}%</text>`,
    );
  }
  const xTicks = Math.min(maxCalls, 10);
  for (let i = 0; i <= xTicks; i++) {
    const calls = Math.round((maxCalls * i) / xTicks);
    parts.push(
      `<line x1="${f(x(calls))}" x2="${f(x(calls))}" y1="${H - m.bottom}" y2="${H - m.bottom + 4}" stroke="#444"/>`,
      `<text x="${f(x(calls))}" y="${H - m.bottom + 16}" font-size="11" text-anchor="middle" fill="#444">${calls}</text>`,
    );
  }
  parts.push(
    `<line x1="${m.left}" x2="${W - m.right}" y1="${H - m.bottom}" y2="${H - m.bottom}" stroke="#444"/>`,
    `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${H - m.bottom}" stroke="#444"/>`,
    `<text x="${m.left + pw / 2}" y="${H - 8}" font-size="12" text-anchor="middle" fill="#222">LLM calls</text>`,
    `<text x="14" y="${m.top + ph / 2}" font-size="12" text-anchor="middle" fill="#222" transform="rotate(-90 14 ${m.top + ph / 2})">train accuracy</text>`,
  );
  // Every candidate.
  for (const p of points) {
    parts.push(
      `<circle class="candidate" cx="${f(x(p.calls))}" cy="${f(y(p.trainAccuracy))}" r="3.5" fill="#7aa6d8" fill-opacity="0.75"><title>${escapeHtml(`${(p.trainAccuracy * 100).toFixed(1)}% — ${p.template}`)}</title></circle>`,
    );
  }
  // Best so far as a step line.
  if (points.length > 0) {
    const d: string[] = [];
    let prev: ChartPoint | null = null;
    for (const p of points) {
      if (!prev) d.push(`M${f(x(p.calls))},${f(y(p.bestSoFar))}`);
      else {
        d.push(`H${f(x(p.calls))}`, `V${f(y(p.bestSoFar))}`);
      }
      prev = p;
    }
    d.push(`H${f(x(maxCalls))}`);
    parts.push(
      `<path class="best-so-far" d="${d.join(" ")}" fill="none" stroke="#d9480f" stroke-width="2.5"/>`,
    );
  }
  // Legend.
  const lx = m.left + 10;
  parts.push(
    `<circle cx="${lx}" cy="${m.top + 8}" r="4" fill="#7aa6d8"/>`,
    `<text x="${lx + 10}" y="${m.top + 12}" font-size="11" fill="#222">every candidate</text>`,
    `<line x1="${lx + 110}" x2="${lx + 130}" y1="${m.top + 8}" y2="${m.top + 8}" stroke="#d9480f" stroke-width="2.5"/>`,
    `<text x="${lx + 136}" y="${m.top + 12}" font-size="11" fill="#222">best so far</text>`,
    "</svg>",
  );
  return parts.join("\n");
}
