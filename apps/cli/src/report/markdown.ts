import { pct } from "../format.js";
import { escapeMd } from "./escape.js";
import type { ReportData } from "./report-data.js";
import { chosenRow, perClassRows, summaryRows, TEMPLATE_HEADER, templateRows } from "./report-sections.js";

function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeMd).join(" | ")} |`;
  return [line(header), `|${header.map(() => "---").join("|")}|`, ...rows.map(line)].join("\n");
}

/** The Markdown report of a run. */
export function renderMarkdown(d: ReportData): string {
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

  out.push("## Top templates", "", mdTable(TEMPLATE_HEADER, templateRows(d.top)), "");
  out.push("## Bottom templates", "", mdTable(TEMPLATE_HEADER, templateRows(d.bottom)), "");
  out.push("## Per-class test accuracy of the chosen template", "");
  const per = perClassRows(d);
  out.push(per ? mdTable(["class", "test accuracy"], per) : "The test split was not scored.", "");
  out.push("## Manifest", "", "```json", JSON.stringify(d.manifest, null, 2), "```", "");
  return out.join("\n");
}
