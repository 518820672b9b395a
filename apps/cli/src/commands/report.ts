import { type Command, printJson } from "../command-context.js";
import { shownPath } from "../format.js";
import { OPTIONS } from "../options.js";
import { loadReportData } from "../report/report-data.js";
import { writeReport } from "../report/write-report.js";
import { absolutePath, str } from "../run-setup.js";
import { fetchSharedRun, storeUrlOf } from "../shared-store.js";

export const reportCommand: Command = {
  spec: {
    name: "report",
    summary:
      "Writes a run's Markdown report and a self-contained HTML report: the run page of `vlmopt ui` (accuracy vs LLM calls, baselines, the LLM conversation, per-class accuracy, cost and time, parameters, transfers), with no script.",
    positionals: ["<run-dir>"],
    options: [OPTIONS.html, OPTIONS.md, OPTIONS.store],
    examples: ["vlmopt report runs/eurosat-hill-climb-20250101-120000 --html eurosat.html"],
  },
  async run(parsed, { io }) {
    const runDir = absolutePath(io.cwd, parsed.positionals[0] as string);
    const storeUrl = storeUrlOf(parsed.flags.store, io);
    if (storeUrl) await fetchSharedRun(storeUrl, runDir); // the run as the shared store holds it
    const html = str(parsed.settings, "html");
    const md = str(parsed.settings, "md");
    const data = await loadReportData(runDir);
    const written = await writeReport(runDir, {
      ...(html ? { html: absolutePath(io.cwd, html) } : {}),
      ...(md ? { markdown: absolutePath(io.cwd, md) } : {}),
    });
    if (parsed.json) {
      printJson(io, { ...written, warnings: data.warnings });
      return 0;
    }
    io.stdout(`wrote ${shownPath(io.cwd, written.markdown)}\nwrote ${shownPath(io.cwd, written.html)}\n`);
    for (const w of data.warnings) io.stdout(`WARNING: ${w}\n`);
    return 0;
  },
};
