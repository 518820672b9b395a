import { defineRun, printJson } from "../command-context.js";
import { reportSpec } from "../command-specs.js";
import { shownPath } from "../format.js";
import { loadReportData } from "../report/report-data.js";
import { writeReport } from "../report/write-report.js";
import { absolutePath } from "../run-setup.js";
import { fetchSharedRun, storeUrlOf } from "../shared-store.js";

export const reportCommand = defineRun(reportSpec, {
  async run(parsed, { io }) {
    const runDir = absolutePath(io.cwd, parsed.positionals[0] as string);
    const storeUrl = storeUrlOf(parsed.flags.store, io);
    if (storeUrl) await fetchSharedRun(storeUrl, runDir); // the run as the shared store holds it
    const html = parsed.settings.html;
    const md = parsed.settings.md;
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
});
