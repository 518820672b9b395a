import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "@vlmopt/core";
import { PUBLISHED_1SHOT, type PublishedTable } from "./published.js";
import { renderCsv } from "./render-csv.js";
import { renderHtml } from "./render-html.js";
import { renderMarkdown } from "./render-markdown.js";
import type { SuiteResults } from "./types.js";

export const OUTPUT_FILES = ["results.csv", "results.json", "results.md", "report.html"] as const;

/** Writes results.csv, results.json, results.md and report.html into the suite directory. */
export async function writeSuiteOutputs(
  dir: string,
  results: SuiteResults,
  published: PublishedTable = PUBLISHED_1SHOT,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const json = {
    ...results,
    ...(results.identity.meaningless ? { warning: results.identity.meaningless } : {}),
    published,
  };
  await writeFileAtomic(join(dir, "results.json"), `${JSON.stringify(json, null, 2)}\n`);
  await writeFileAtomic(join(dir, "results.csv"), renderCsv(results));
  await writeFileAtomic(join(dir, "results.md"), renderMarkdown(results, published));
  await writeFileAtomic(join(dir, "report.html"), renderHtml(results, published));
}
