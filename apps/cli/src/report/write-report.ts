import { join } from "node:path";
import { writeFileAtomic } from "@vlmopt/core";
import { renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";
import { loadReportData } from "./report-data.js";

export interface WrittenReport {
  markdown: string;
  html: string;
}

/** Writes report.md and report.html of a run (default: inside the run directory). */
export async function writeReport(
  runDir: string,
  paths: Partial<WrittenReport> = {},
): Promise<WrittenReport> {
  const data = await loadReportData(runDir);
  const markdown = paths.markdown ?? join(runDir, "report.md");
  const html = paths.html ?? join(runDir, "report.html");
  await writeFileAtomic(markdown, renderMarkdown(data));
  await writeFileAtomic(html, renderHtml(data));
  return { markdown, html };
}
