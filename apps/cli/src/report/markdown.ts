import { candidateLabel, type ScoredTemplate } from "@vlmopt/core";
import { duration, int, pct, usd } from "../format-numbers.js";
import type { PromptSetView, RunView } from "../run-view/run-view.js";
import { escapeMd, mdCode } from "./escape.js";
import type { ReportData } from "./report-data.js";
import { chosenRow, perClassRows, summaryRows, TEMPLATE_HEADER, templateRows } from "./report-sections.js";

function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeMd).join(" | ")} |`;
  return [line(header), `|${header.map(() => "---").join("|")}|`, ...rows.map(line)].join("\n");
}

/** A chosen prompt set in full: one row per class with its accuracies (where measured) and texts. */
function promptSetSection(set: PromptSetView): string[] {
  const hasTrain = set.classes.some((k) => k.trainAccuracy !== null);
  const hasTest = set.classes.some((k) => k.testAccuracy !== null);
  const header = ["class", ...(hasTrain ? ["train"] : []), ...(hasTest ? ["test"] : []), "texts"];
  const rows = set.classes.map((k) => [
    k.name,
    ...(hasTrain ? [pct(k.trainAccuracy)] : []),
    ...(hasTest ? [pct(k.testAccuracy)] : []),
    k.texts.map(mdCode).join(" · "),
  ]);
  return [`### Chosen descriptions: ${set.key}`, "", mdTable(header, rows), ""];
}

/** Baselines with the chosen template's gain, and cost, tokens and time: from the run page's view. */
function viewSections(v: RunView): string[] {
  const c = v.chosen;
  const gain = (chosen: number | null | undefined, base: number | null) =>
    chosen === null || chosen === undefined || base === null
      ? "—"
      : `${((chosen - base) * 100).toFixed(1)} pts`;
  const out: string[] = [];
  if (c) out.push(`Origin: ${c.origin}.`, "");
  for (const set of c?.promptSets ?? []) out.push(...promptSetSection(set));
  out.push("## Baselines", "");
  out.push(
    v.baselines.length
      ? mdTable(
          ["baseline", "template", "train", "val", "test", "gain (test)"],
          v.baselines.map((b) => [
            b.label,
            b.templateLabel,
            pct(b.trainAccuracy),
            pct(b.valAccuracy),
            pct(b.testAccuracy),
            gain(c?.testAccuracy, b.testAccuracy),
          ]),
        )
      : "No baseline was scored in this run.",
    "",
  );
  const k = v.cost;
  out.push(
    "## Cost and time",
    "",
    mdTable(
      ["item", "value"],
      [
        [
          "Tokens",
          `${int(k.inputTokens + k.outputTokens)} (input ${int(k.inputTokens)}, output ${int(k.outputTokens)})`,
        ],
        ["LLM cost", usd(k.llmUsd)],
        ["Embedding cost", `${usd(k.embeddingUsd)} — ${k.embeddingNote}`],
        [
          "Wall time",
          k.wallMs === null
            ? "—"
            : `${duration(k.wallMs / 1000)}${k.sessions > 1 ? ` over ${k.sessions} sessions` : ""}`,
        ],
        ["Stop reason", k.stop],
      ],
    ),
    "",
  );
  return out;
}

/** The Markdown report of a run (with the run page's view: also baselines, cost and time). */
export function renderMarkdown(d: ReportData, view?: RunView): string {
  const out: string[] = [];
  out.push(`# vlmopt run ${d.manifest.runId}`, "");
  for (const w of d.warnings) out.push(`> **Warning:** ${w}`, ">");
  if (d.warnings.length) out.splice(out.length - 1, 1, "");
  out.push(mdTable(["run", "value"], summaryRows(d)), "");

  const chosen = chosenRow(d);
  out.push("## Chosen template", "");
  if (chosen) {
    out.push(
      mdTable(
        [chosen.ensemble ? "ensemble of" : "template", "train", "val", "test"],
        [[chosen.templates.join(" + "), chosen.train, chosen.val, chosen.test]],
      ),
      "",
    );
  } else out.push("None chosen (the run did not finish or scored nothing).", "");
  if (view) out.push(...viewSections(view));

  out.push("## Accuracy vs LLM calls", "");
  if (d.points.length) {
    const milestones = d.points.filter((p, i) => i === 0 || p.bestSoFar > (d.points[i - 1]?.bestSoFar ?? 0));
    out.push(
      "Best train accuracy so far each time it improved (the HTML report draws every candidate):",
      "",
      mdTable(
        ["LLM calls", "best so far", "template"],
        milestones.map((p) => [String(p.calls), pct(p.bestSoFar), p.template]),
      ),
      "",
    );
  } else out.push("No candidate scored.", "");

  const ranked = (list: readonly ScoredTemplate[]) =>
    templateRows(list.map((t) => ({ ...t, label: candidateLabel(t) })));
  out.push("## Top templates", "", mdTable(TEMPLATE_HEADER, ranked(d.top)), "");
  out.push("## Bottom templates", "", mdTable(TEMPLATE_HEADER, ranked(d.bottom)), "");
  out.push("## Per-class test accuracy of the chosen template", "");
  const per = perClassRows(d);
  out.push(per ? mdTable(["class", "test accuracy"], per) : "The test split was not scored.", "");
  out.push("## Manifest", "", "```json", JSON.stringify(d.manifest, null, 2), "```", "");
  return out.join("\n");
}
