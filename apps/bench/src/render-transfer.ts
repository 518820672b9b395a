import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "@vlmopt/core";
import { aggregate } from "./aggregate.js";
import { toCsv } from "./csv.js";
import { meaninglessBanner } from "./labels.js";
import { chosenText } from "./render-csv.js";
import { escapeHtml } from "./render-html.js";
import { cellText } from "./render-markdown.js";
import { mean, pct } from "./stats.js";
import { datasetLabel, PAPER_DATASETS } from "./suites.js";
import type { ModelIdentity, TransferRecord, TransferResults } from "./transfer-suite.js";

/** One row of the transfer table: a label, then one text per dataset, then the average. */
interface TransferRow {
  target: string;
  label: string;
  cells: string[];
  average: string;
}

/** The models in table order (source first) with the warning that applies to any of them. */
function modelsOf(results: TransferResults): ModelIdentity[] {
  return [results.source, ...results.targets];
}

/** Why the suite's accuracies mean nothing (any of its models is random/tiny), or null. */
export function transferMeaningless(results: TransferResults): string | null {
  const bad = modelsOf(results).filter((m) => m.meaningless);
  if (bad.length === 0) return null;
  return `${bad[0]?.meaningless as string} — models: ${bad.map((m) => m.id).join(", ")}`;
}

/**
 * The paper's transfer layout: per target backbone, its own hand-engineered baseline, then each
 * strategy's templates found on the source (source → target), then the difference; datasets as
 * columns, test accuracy in percent (mean over seeds ± sample std).
 */
export function transferTable(results: TransferResults): { datasets: string[]; rows: TransferRow[] } {
  const done = results.records.filter((r) => r.status === "done" && r.testAccuracy !== null);
  const datasets = aggregate(done, PAPER_DATASETS).datasets;
  const rows: TransferRow[] = [];
  for (const target of modelsOf(results)) {
    const own = done.filter((r) => r.targetModel === target.id);
    if (own.length === 0) continue;
    const t = aggregate(own, datasets);
    const baseline = t.methods.find((m) => m.kind === "baseline");
    const avgText = (method: string) => {
      const a = t.average[method];
      return a ? pct(a.mean) : "—";
    };
    for (const m of t.methods) {
      const label =
        m.kind === "baseline"
          ? `${m.label} on ${target.id}`
          : `${m.label}: ${results.source.id} → ${target.id}`;
      rows.push({
        target: target.id,
        label,
        cells: datasets.map((d) => cellText(t.cells[m.method]?.[d])),
        average: avgText(m.method),
      });
      if (m.kind === "strategy" && baseline) {
        const deltas = datasets.map((d) => {
          const s = t.cells[m.method]?.[d];
          const b = t.cells[baseline.method]?.[d];
          return s && b ? s.mean - b.mean : null;
        });
        const present = deltas.filter((v): v is number => v !== null);
        const signed = (v: number) => `${v >= 0 ? "+" : ""}${pct(v)}`;
        rows.push({
          target: target.id,
          label: `  Δ vs ${baseline.label} on ${target.id}`,
          cells: deltas.map((v) => (v === null ? "—" : signed(v))),
          average: present.length > 0 ? signed(mean(present)) : "—",
        });
      }
    }
  }
  return { datasets, rows };
}

const esc = (s: string) => s.replace(/\|/g, "\\|");

const modelLine = (role: string, m: ModelIdentity) =>
  `${role}: \`${m.id}\` (spec \`${m.spec}\`), file hash \`sha256:${m.hash}\`${m.meaningless ? ` — ${m.meaningless}` : ""}`;

export function renderTransferMarkdown(results: TransferResults): string {
  const meaningless = transferMeaningless(results);
  const { identity } = results;
  const t = transferTable(results);
  const lines = [`# vlmopt-bench: suite \`${identity.suite}\``, ""];
  if (meaningless) lines.push(`> **${meaninglessBanner(meaningless)}**`, "");
  lines.push(
    `- ${modelLine("Source model (templates chosen on)", results.source)}`,
    ...results.targets.map((m) => `- ${modelLine("Target model", m)}`),
    `- LLM: \`${identity.llm.provider}:${identity.llm.modelId}\` (spec \`${identity.llm.spec}\`)${identity.llm.warning ? ` — ${identity.llm.warning}` : ""}`,
    `- Protocol: ${identity.shots}-shot, seeds ${identity.seeds.join(", ")}; cells are test accuracy (%), mean over seeds ± sample std; each target is compared with its own hand-engineered baseline`,
    `- Generated: ${results.createdAt}`,
    ...results.notes.map((n) => `- Note: ${n}`),
    "",
    meaningless
      ? `## Transfer — pipeline check, NOT results (${meaningless})`
      : "## Transfer: test accuracy (%)",
    "",
  );
  if (t.rows.length === 0) lines.push("No finished runs.", "");
  else {
    lines.push(
      `| Row | ${t.datasets.map(datasetLabel).join(" | ")} | Average |`,
      `|---|${t.datasets.map(() => "---:").join("|")}|---:|`,
      ...t.rows.map((r) => `| ${esc(r.label)} | ${r.cells.join(" | ")} | ${r.average} |`),
      "",
    );
  }
  for (const s of results.skippedDatasets) lines.push(`- Skipped ${datasetLabel(s.dataset)}: ${s.reason}`);
  for (const r of results.records.filter((x) => x.status !== "done"))
    lines.push(
      `- Not in the table: ${r.dataset} / ${r.method} on ${r.targetModel}: ${r.status} — ${r.reason ?? ""}`,
    );
  return `${lines.join("\n")}\n`;
}

export function renderTransferCsv(results: TransferResults): string {
  const warning = transferMeaningless(results) ?? "";
  const header = [
    "dataset",
    "method",
    "method_label",
    "kind",
    "seed",
    "source_model",
    "target_model",
    "status",
    "test_accuracy",
    "llm_calls",
    "templates",
    "reason",
    "warning",
  ];
  const rows = results.records.map((r: TransferRecord) => [
    r.dataset,
    r.method,
    r.methodLabel,
    r.kind,
    r.seed,
    r.sourceModel,
    r.targetModel,
    r.status,
    r.testAccuracy,
    r.llmCalls,
    chosenText(r),
    r.reason ?? "",
    warning,
  ]);
  return toCsv(header, rows);
}

export function renderTransferHtml(results: TransferResults): string {
  const meaningless = transferMeaningless(results);
  const t = transferTable(results);
  const models = [["Source", results.source] as const, ...results.targets.map((m) => ["Target", m] as const)]
    .map(
      ([role, m]) =>
        `<li>${role}: ${escapeHtml(m.id)} (spec ${escapeHtml(m.spec)}), file hash sha256:${escapeHtml(m.hash)}${m.meaningless ? ` — ${escapeHtml(m.meaningless)}` : ""}</li>`,
    )
    .join("");
  const head = `<tr><th>Row</th>${t.datasets.map((d) => `<th>${escapeHtml(datasetLabel(d))}</th>`).join("")}<th>Average</th></tr>`;
  const body = t.rows
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.label)}</td>${r.cells.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}<td>${escapeHtml(r.average)}</td></tr>`,
    )
    .join("");
  const { identity } = results;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vlmopt-bench: ${escapeHtml(identity.suite)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
td:first-child,th:first-child{text-align:left;white-space:pre}.warn{background:#fde2e1;border:2px solid #c00;padding:8px;margin:8px 0;font-weight:bold}
</style></head><body>
<h1>vlmopt-bench: suite ${escapeHtml(identity.suite)}</h1>
${meaningless ? `<div class="warn">${escapeHtml(meaninglessBanner(meaningless))}</div>` : ""}
<ul>${models}
<li>LLM: ${escapeHtml(`${identity.llm.provider}:${identity.llm.modelId}`)}${identity.llm.warning ? ` — ${escapeHtml(identity.llm.warning)}` : ""}</li>
<li>Protocol: ${identity.shots}-shot, seeds ${identity.seeds.join(", ")}; test accuracy (%), mean over seeds ± sample std</li>
<li>Generated: ${escapeHtml(results.createdAt)}</li>
${results.notes.map((n) => `<li>Note: ${escapeHtml(n)}</li>`).join("")}
</ul>
<h2>${meaningless ? `Transfer — pipeline check, NOT results (${escapeHtml(meaningless)})` : "Transfer: test accuracy (%)"}</h2>
<table>${head}${body}</table>
</body></html>
`;
}

/** Writes results.json, results.csv, results.md and report.html of a transfer suite into `dir`. */
export async function writeTransferOutputs(dir: string, results: TransferResults): Promise<void> {
  await mkdir(dir, { recursive: true });
  const warning = transferMeaningless(results);
  const json = { ...results, ...(warning ? { warning } : {}) };
  await writeFileAtomic(join(dir, "results.json"), `${JSON.stringify(json, null, 2)}\n`);
  await writeFileAtomic(join(dir, "results.csv"), renderTransferCsv(results));
  await writeFileAtomic(join(dir, "results.md"), renderTransferMarkdown(results));
  await writeFileAtomic(join(dir, "report.html"), renderTransferHtml(results));
}
