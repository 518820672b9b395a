import { curvesByMethod, type ResultTable } from "./aggregate.js";
import { identityLine, warningLines } from "./identity-text.js";
import { hasPublishedNumbers, type PublishedTable } from "./published.js";
import { cellText, publishedComparable, tableOf } from "./render-markdown.js";
import { pct } from "./stats.js";
import { datasetLabel } from "./suites.js";
import type { SuiteResults } from "./types.js";

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

/** Inline SVG: mean best-so-far train accuracy vs LLM calls, one line per strategy. */
export function curveChart(results: SuiteResults): string {
  const curves = curvesByMethod(results.records);
  const methods = Object.keys(curves);
  if (methods.length === 0) return "<p>No LLM-driven runs finished.</p>";
  const labels = new Map(results.records.map((r) => [r.method, r.methodLabel]));
  const W = 640;
  const H = 320;
  const L = 50;
  const B = 40;
  const all = methods.flatMap((m) => curves[m] ?? []);
  const maxX = Math.max(1, ...all.map((p) => p[0]));
  const ys = all.map((p) => p[1]);
  const minY = Math.max(0, Math.floor(Math.min(...ys) * 10) / 10);
  const maxY = Math.min(1, Math.ceil(Math.max(...ys) * 10) / 10 || 1);
  const spanY = maxY - minY || 0.1;
  const x = (v: number) => L + (v / maxX) * (W - L - 160);
  const y = (v: number) => H - B - ((v - minY) / spanY) * (H - B - 20);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="accuracy vs LLM calls">`,
    `<line x1="${L}" y1="${H - B}" x2="${W - 160}" y2="${H - B}" stroke="#333"/>`,
    `<line x1="${L}" y1="20" x2="${L}" y2="${H - B}" stroke="#333"/>`,
    `<text x="${(L + W - 160) / 2}" y="${H - 8}" text-anchor="middle" font-size="12">LLM calls</text>`,
    `<text x="12" y="${(H - B) / 2}" font-size="12" transform="rotate(-90 12 ${(H - B) / 2})" text-anchor="middle">best train accuracy (%)</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = minY + (spanY * i) / 4;
    parts.push(
      `<text x="${L - 4}" y="${y(v) + 4}" text-anchor="end" font-size="10">${pct(v)}</text>`,
      `<line x1="${L}" y1="${y(v)}" x2="${W - 160}" y2="${y(v)}" stroke="#ddd"/>`,
    );
  }
  for (const v of [0, Math.round(maxX / 2), maxX])
    parts.push(`<text x="${x(v)}" y="${H - B + 14}" text-anchor="middle" font-size="10">${v}</text>`);
  methods.forEach((m, i) => {
    const color = COLORS[i % COLORS.length] as string;
    const pts = (curves[m] ?? []).map(([cx, cy]) => `${x(cx).toFixed(1)},${y(cy).toFixed(1)}`).join(" ");
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts}"/>`,
      `<rect x="${W - 150}" y="${24 + i * 18}" width="12" height="12" fill="${color}"/>`,
      `<text x="${W - 132}" y="${34 + i * 18}" font-size="11">${escapeHtml(labels.get(m) ?? m)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("");
}

/** Inline SVG heat map: methods × datasets, colour = mean test accuracy. */
export function heatMap(t: ResultTable): string {
  if (t.methods.length === 0 || t.datasets.length === 0) return "<p>No finished runs.</p>";
  const cw = 84;
  const ch = 24;
  const left = 210;
  const top = 30;
  const W = left + cw * t.datasets.length + 10;
  const H = top + ch * t.methods.length + 10;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="method by dataset heat map">`,
  ];
  t.datasets.forEach((d, j) => {
    parts.push(
      `<text x="${left + j * cw + cw / 2}" y="${top - 10}" text-anchor="middle" font-size="11">${escapeHtml(datasetLabel(d))}</text>`,
    );
  });
  t.methods.forEach((m, i) => {
    parts.push(
      `<text x="${left - 6}" y="${top + i * ch + 16}" text-anchor="end" font-size="11">${escapeHtml(m.label)}</text>`,
    );
    t.datasets.forEach((d, j) => {
      const cell = t.cells[m.method]?.[d];
      const v = cell ? cell.mean : null;
      const fill = v === null ? "#eee" : `hsl(210, 70%, ${Math.round(95 - v * 60)}%)`;
      const textColor = v !== null && v > 0.6 ? "#fff" : "#000";
      parts.push(
        `<rect x="${left + j * cw}" y="${top + i * ch}" width="${cw - 2}" height="${ch - 2}" fill="${fill}"/>`,
        `<text x="${left + j * cw + cw / 2}" y="${top + i * ch + 16}" text-anchor="middle" font-size="11" fill="${textColor}">${v === null ? "—" : pct(v)}</text>`,
      );
    });
  });
  parts.push("</svg>");
  return parts.join("");
}

function htmlTable(t: ResultTable): string {
  if (t.methods.length === 0) return "<p>No finished runs.</p>";
  const head = `<tr><th>Method</th>${t.datasets.map((d) => `<th>${escapeHtml(datasetLabel(d))}</th>`).join("")}<th>Average</th><th>LLM calls / run</th></tr>`;
  const rows = t.methods.map((m) => {
    const avg = t.average[m.method];
    return `<tr><td>${escapeHtml(m.label)}</td>${t.datasets
      .map((d) => `<td>${escapeHtml(cellText(t.cells[m.method]?.[d]))}</td>`)
      .join(
        "",
      )}<td>${avg ? pct(avg.mean) : "—"}</td><td>${(t.meanCalls[m.method] ?? 0).toFixed(1)}</td></tr>`;
  });
  return `<table>${head}${rows.join("")}</table>`;
}

/** report.html: one self-contained file (inline CSS and SVG, no scripts, no external resources). */
export function renderHtml(results: SuiteResults, published: PublishedTable): string {
  const { identity } = results;
  const t = tableOf(results);
  const caption = `<p class="id">${escapeHtml(identityLine(identity))}</p>`;
  const warn = warningLines(identity)
    .map((w) => `<div class="warn">${escapeHtml(w)}</div>`)
    .join("");
  const resultTitle = identity.meaningless
    ? `Pipeline check — NOT results (${escapeHtml(identity.meaningless)})`
    : "Test accuracy (%)";
  let pub = `<p>Source: ${escapeHtml(published.source)} (${escapeHtml(published.backbone)}, ${escapeHtml(published.protocol)}).</p>`;
  if (!hasPublishedNumbers(published)) pub += `<p>${escapeHtml(published.note)}</p>`;
  else if (!publishedComparable(results, published))
    pub += `<p>Not shown side by side: this suite used ${escapeHtml(identity.model.id)}, the paper ${escapeHtml(published.backbone)}.</p>`;
  else {
    const head = `<tr><th>Method</th>${t.datasets.map((d) => `<th>${escapeHtml(datasetLabel(d))}<br>measured / paper</th>`).join("")}</tr>`;
    const rows = t.methods.map(
      (m) =>
        `<tr><td>${escapeHtml(m.label)}</td>${t.datasets
          .map((d) => {
            const c = t.cells[m.method]?.[d];
            const p = published.rows[m.method]?.[d];
            return `<td>${c ? pct(c.mean) : "—"} / ${p !== undefined ? p.toFixed(1) : "—"}</td>`;
          })
          .join("")}</tr>`,
    );
    pub += `${caption}<table>${head}${rows.join("")}</table>`;
  }
  const skipped = results.skippedDatasets.length
    ? `<h2>Skipped datasets</h2><ul>${results.skippedDatasets.map((s) => `<li>${escapeHtml(datasetLabel(s.dataset))}: ${escapeHtml(s.reason)}</li>`).join("")}</ul>`
    : "";
  const notDone = results.records.filter((r) => r.status !== "done");
  const failed = notDone.length
    ? `<h2>Runs not in the table</h2><ul>${notDone.map((r) => `<li>${escapeHtml(`${r.dataset} / ${r.method}${r.seed !== null ? ` / seed ${r.seed}` : ""}: ${r.status} — ${r.reason ?? ""}`)}</li>`).join("")}</ul>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vlmopt-bench: ${escapeHtml(identity.suite)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}.warn{background:#fde2e1;border:2px solid #c00;padding:8px;margin:8px 0;font-weight:bold}
.id{font-style:italic;color:#444}
</style></head><body>
<h1>vlmopt-bench: suite ${escapeHtml(identity.suite)}</h1>
${warn}
<ul>
<li>CLIP model: ${escapeHtml(identity.model.id)} (spec ${escapeHtml(identity.model.spec)}), file hash sha256:${escapeHtml(identity.model.hash)}</li>
<li>LLM: ${escapeHtml(`${identity.llm.provider}:${identity.llm.modelId}`)}${identity.llm.warning ? ` — ${escapeHtml(identity.llm.warning)}` : ""}</li>
<li>Protocol: ${identity.shots}-shot, seeds ${identity.seeds.join(", ")}; test accuracy (%), mean over seeds ± sample std</li>
<li>Generated: ${escapeHtml(results.createdAt)}</li>
${results.notes.map((n) => `<li>Note: ${escapeHtml(n)}</li>`).join("")}
</ul>
<h2>${resultTitle}</h2>${caption}${htmlTable(t)}
<h2>Accuracy vs LLM calls${identity.meaningless ? " (pipeline check, not results)" : ""}</h2>${caption}
<p>Best 1-shot train accuracy found after k LLM calls, mean over datasets and seeds.</p>
${curveChart(results)}
<h2>Method × dataset${identity.meaningless ? " (pipeline check, not results)" : ""}</h2>${caption}
${heatMap(t)}
<h2>Published numbers (paper)</h2>${pub}
${skipped}${failed}
</body></html>
`;
}
