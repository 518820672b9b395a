import { aggregate, type Cell, type ResultTable } from "./aggregate.js";
import { identityLine, warningLines } from "./identity-text.js";
import { backboneOf } from "./labels.js";
import { hasPublishedNumbers, type PublishedTable } from "./published.js";
import { pct } from "./stats.js";
import { datasetLabel, METHOD_ORDER, PAPER_DATASETS } from "./suites.js";
import type { SuiteResults } from "./types.js";

export function cellText(cell: Cell | undefined): string {
  if (!cell) return "—";
  return cell.std === null ? pct(cell.mean) : `${pct(cell.mean)} ± ${pct(cell.std)}`;
}

/** The suite's table in the paper's layout. */
export function tableOf(results: SuiteResults): ResultTable {
  return aggregate(results.records, PAPER_DATASETS, METHOD_ORDER);
}

/**
 * Whether the published numbers may be shown next to the measured ones: real weights, and the
 * suite's backbone is the table's (the paper's table is CLIP RN50).
 */
export function publishedComparable(results: SuiteResults, published: PublishedTable): boolean {
  if (results.identity.meaningless) return false;
  const { model, backbone } = results.identity;
  const ours = backbone ? backboneOf(backbone) : backboneOf(model.id, model.spec);
  return ours !== null && ours === backboneOf(published.backbone);
}

const esc = (s: string) => s.replace(/\|/g, "\\|");

/** results.md: identity, warnings, the paper-layout table, the published comparison, skips and failures. */
export function renderMarkdown(results: SuiteResults, published: PublishedTable): string {
  const { identity } = results;
  const t = tableOf(results);
  const lines: string[] = [];
  lines.push(`# vlmopt-bench: suite \`${identity.suite}\``, "");
  for (const w of warningLines(identity)) lines.push(`> **${w}**`, "");
  lines.push(
    `- CLIP model: \`${identity.model.id}\` (spec \`${identity.model.spec}\`), file hash \`sha256:${identity.model.hash}\`${identity.model.warning ? ` — ${identity.model.warning}` : ""}`,
    `- LLM: \`${identity.llm.provider}:${identity.llm.modelId}\` (spec \`${identity.llm.spec}\`)${identity.llm.warning ? ` — ${identity.llm.warning}` : ""}`,
    `- Protocol: ${identity.shots}-shot, seeds ${identity.seeds.join(", ")}; cells are test accuracy (%), mean over seeds ± sample std (baselines use no seed)`,
    `- Generated: ${results.createdAt}`,
  );
  for (const n of results.notes) lines.push(`- Note: ${n}`);
  if (results.budget.spentUsd !== null) lines.push(`- LLM cost: $${results.budget.spentUsd.toFixed(4)}`);
  lines.push("");
  const title = identity.meaningless
    ? `## Pipeline check — NOT results (${identity.meaningless})`
    : "## Test accuracy (%)";
  lines.push(title, "", `_${esc(identityLine(identity))}_`, "");
  if (t.methods.length === 0) lines.push("No finished runs.", "");
  else {
    lines.push(
      `| Method | ${t.datasets.map(datasetLabel).join(" | ")} | Average | LLM calls / run |`,
      `|---|${t.datasets.map(() => "---:").join("|")}|---:|---:|`,
    );
    for (const m of t.methods) {
      const row = t.cells[m.method] ?? {};
      const avg = t.average[m.method];
      const avgText = avg
        ? `${pct(avg.mean)}${avg.datasets < t.datasets.length ? ` (${avg.datasets} datasets)` : ""}`
        : "—";
      const calls = t.meanCalls[m.method] ?? 0;
      lines.push(
        `| ${esc(m.label)} | ${t.datasets.map((d) => cellText(row[d])).join(" | ")} | ${avgText} | ${calls.toFixed(1)} |`,
      );
    }
    lines.push("");
  }

  lines.push(
    "## Published numbers (paper)",
    "",
    `Source: ${published.source} (${published.backbone}, ${published.protocol}).`,
    "",
  );
  if (!hasPublishedNumbers(published)) lines.push(published.note, "");
  else if (!publishedComparable(results, published)) {
    lines.push(
      `Not shown side by side: this suite used \`${identity.model.id}\`${identity.meaningless ? " (random weights)" : ""}, the paper ${published.backbone}.`,
      "",
    );
  } else {
    lines.push(`_${esc(identityLine(identity))}_ — measured / published`, "");
    lines.push(
      `| Method | ${t.datasets.map(datasetLabel).join(" | ")} |`,
      `|---|${t.datasets.map(() => "---:").join("|")}|`,
    );
    for (const m of t.methods) {
      const pub = published.rows[m.method] ?? {};
      const row = t.cells[m.method] ?? {};
      lines.push(
        `| ${esc(m.label)} | ${t.datasets
          .map(
            (d) => `${row[d] ? pct(row[d].mean) : "—"} / ${pub[d] !== undefined ? pub[d].toFixed(1) : "—"}`,
          )
          .join(" | ")} |`,
      );
    }
    lines.push("");
  }

  if (results.skippedDatasets.length > 0) {
    lines.push("## Skipped datasets", "");
    for (const s of results.skippedDatasets)
      lines.push(`- ${datasetLabel(s.dataset)} (\`${s.dataset}\`): ${s.reason}`);
    lines.push("");
  }
  const notDone = results.records.filter((r) => r.status !== "done");
  if (notDone.length > 0) {
    lines.push("## Runs not in the table", "");
    for (const r of notDone)
      lines.push(
        `- ${r.dataset} / ${r.method}${r.seed !== null ? ` / seed ${r.seed}` : ""}: ${r.status} — ${r.reason ?? ""}`,
      );
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}
