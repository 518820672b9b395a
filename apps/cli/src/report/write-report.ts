import { join } from "node:path";
import { writeFileAtomic } from "@vlmopt/core";
import { buildRunView } from "../run-view/build-run-view.js";
import { readRunInput } from "../run-view/read-run-input.js";
import { renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";
import { reportDataOf } from "./report-data.js";

export interface WrittenReport {
  markdown: string;
  html: string;
}

/** Writes report.md and report.html of a run (default: inside the run directory). */
export async function writeReport(
  runDir: string,
  paths: Partial<WrittenReport> = {},
): Promise<WrittenReport> {
  const input = await readRunInput(runDir);
  const markdown = paths.markdown ?? join(runDir, "report.md");
  const html = paths.html ?? join(runDir, "report.html");
  const view = buildRunView(input);
  await writeFileAtomic(markdown, renderMarkdown(reportDataOf(runDir, input), view));
  await writeFileAtomic(html, renderHtml(view));
  return { markdown, html };
}
