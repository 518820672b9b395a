import { accuracyChartSvg } from "./chart-svg.js";
import { escapeHtml as e } from "./escape.js";
import type { ReportData } from "./report-data.js";
import { chosenRow, perClassRows, summaryRows, TEMPLATE_HEADER, templateRows } from "./report-sections.js";

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:980px;color:#1d2125;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #dde1e5;padding-bottom:4px}
table{border-collapse:collapse;font-size:13px;margin:8px 0;max-width:100%}th,td{border:1px solid #d5dae0;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere;word-break:break-word}
th{background:#f1f3f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
.warning{background:#fff3bf;border:1px solid #f08c00;padding:8px 12px;margin:8px 0;font-weight:600}
pre{background:#f8f9fa;border:1px solid #dde1e5;padding:8px;font-size:12px;overflow:auto}
.chart{max-width:100%;height:auto;border:1px solid #dde1e5}
`;

function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  id?: string,
  numeric: readonly number[] = [],
): string {
  const head = `<tr>${header.map((h) => `<th>${e(h)}</th>`).join("")}</tr>`;
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ""}>${e(c)}</td>`).join("")}</tr>`,
    )
    .join("\n");
  return `<table${id ? ` id="${id}"` : ""}>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** The self-contained HTML report of a run: inline CSS and SVG, no scripts, no external resources. */
export function renderHtml(d: ReportData): string {
  const chosen = chosenRow(d);
  const per = perClassRows(d);
  const parts: string[] = [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>vlmopt run ${e(d.manifest.runId)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>vlmopt run ${e(d.manifest.runId)}</h1>`,
    ...d.warnings.map((w) => `<div class="warning">Warning: ${e(w)}</div>`),
    table(["run", "value"], summaryRows(d), "summary"),
    "<h2>Chosen template</h2>",
    chosen
      ? table(
          [chosen.ensemble ? "ensemble of" : "template", "train", "val", "test"],
          [[chosen.templates.join(" + "), chosen.train, chosen.val, chosen.test]],
          "chosen",
          [1, 2, 3],
        )
      : "<p>None chosen (the run did not finish or scored nothing).</p>",
    "<h2>Accuracy vs LLM calls</h2>",
    d.points.length ? accuracyChartSvg(d.points) : "<p>No candidate scored.</p>",
    "<h2>Top templates</h2>",
    table(TEMPLATE_HEADER, templateRows(d.top), "top", [0, 1, 2, 3]),
    "<h2>Bottom templates</h2>",
    table(TEMPLATE_HEADER, templateRows(d.bottom), "bottom", [0, 1, 2, 3]),
    "<h2>Per-class test accuracy of the chosen template</h2>",
    per ? table(["class", "test accuracy"], per, "per-class", [1]) : "<p>The test split was not scored.</p>",
    "<h2>Manifest</h2>",
    `<pre id="manifest">${e(JSON.stringify(d.manifest, null, 2))}</pre>`,
    "</body></html>",
    "",
  ];
  return parts.join("\n");
}
