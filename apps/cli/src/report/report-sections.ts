import { candidateLabel } from "@vlmopt/core";
import { int, pct, usd } from "../format-numbers.js";

export { TEMPLATE_HEADER, templateRows } from "../run-page/template-rows.js";

import { type ReportData, stopText } from "./report-data.js";

/** Key facts of a run as label/value rows, shared by the Markdown and HTML reports. */
export function summaryRows(d: ReportData): [string, string][] {
  const m = d.manifest;
  const r = d.result;
  const ds = m.dataset;
  const counts = Object.entries(ds.counts)
    .map(([k, v]) => `${k} ${int(v)}`)
    .join(", ");
  const rows: [string, string][] = [
    ["Run", m.runId],
    ["Status", stopText(d)],
    [
      "Dataset",
      `${ds.name}${ds.shots !== undefined ? `, ${ds.shots}-shot` : ""}${ds.seed !== undefined ? `, seed ${ds.seed}` : ""} (${counts} images)`,
    ],
    ["CLIP model", `${m.model.id} (${m.model.hash.slice(0, 12)})`],
    ["LLM", `${m.llm.provider}:${m.llm.modelId}`],
    ["Strategy", `${m.strategy.name} ${JSON.stringify(m.strategy.params)}`],
    ["Templates scored", String(d.history.length)],
  ];
  if (r) {
    const u = r.usage;
    rows.push(
      [
        "LLM calls",
        `${u.llmCalls}${u.cachedCalls ? ` (${u.cachedCalls} from cache)` : ""}${r.replayedCalls ? `, ${r.replayedCalls} replayed on resume` : ""}`,
      ],
      [
        "Tokens",
        `${int(u.inputTokens + u.outputTokens)} (input ${int(u.inputTokens)}, output ${int(u.outputTokens)})`,
      ],
      ["Cost", usd(u.costUsd)],
    );
  } else {
    rows.push(["LLM calls", String(d.totalCalls)]);
  }
  const b = m.budget;
  const limits = Object.entries(b).map(([k, v]) => `${k} ${v}`);
  rows.push(["Budget", limits.length ? limits.join(", ") : "none"]);
  return rows;
}

export interface ChosenRow {
  /** What is shown for each chosen candidate: the template, or a prompt set's summary. */
  templates: string[];
  ensemble: boolean;
  train: string;
  val: string;
  test: string;
}

export function chosenRow(d: ReportData): ChosenRow | null {
  const c = d.result?.chosen;
  if (!c) return null;
  return {
    templates: c.templates.map((t, i) => candidateLabel({ template: t, prompts: c.prompts?.[i] ?? null })),
    ensemble: c.ensemble,
    train: pct(c.trainAccuracy),
    val: pct(c.valAccuracy),
    test: c.testAccuracy === null ? "not scored" : pct(c.testAccuracy),
  };
}

/** Per-class test accuracy of the chosen template(s), or null when test was not scored. */
export function perClassRows(d: ReportData): string[][] | null {
  const per = d.result?.chosen?.perClassTest;
  if (!per) return null;
  const names = d.result?.classNames ?? [];
  return per.map((acc, i) => [names[i] ?? `class ${i}`, pct(acc)]);
}
