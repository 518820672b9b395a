import type { DownloadReport } from "@vlmopt/dataset-loaders";
import type { Registry } from "@vlmopt/registry";
import { defineRun, printJson } from "../command-context.js";
import { datasetsDownloadSpec } from "../command-specs.js";
import { downloadProgress, mb } from "../download-progress.js";
import { table } from "../format.js";
import type { CliIo } from "../io.js";
import type { Settings } from "../options.js";
import { absolutePath } from "../run-setup.js";
import { invalidValue } from "../usage-error.js";

function printCheck(io: CliIo, r: DownloadReport): void {
  const check = r.check;
  if (!check) return;
  const counts = Object.entries(check.counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  io.stdout(`datasets check ${r.name}: ${check.ok ? "ok" : "problems found"} (${counts})\n`);
  for (const p of check.problems) {
    const where = p.file ? ` ${p.file}` : "";
    io.stdout(`${p.severity}${where}: ${p.message}${p.fix ? ` — ${p.fix}` : ""}\n`);
  }
}

async function printReport(io: CliIo, r: DownloadReport): Promise<void> {
  if (r.status === "manual") {
    io.stdout(`${r.name} cannot be downloaded by vlmopt: ${r.reason}\n`);
    io.stdout(`terms: ${r.terms}\n`);
    io.stdout("To use a copy you have (or get by hand):\n");
    for (const [i, s] of r.steps.entries()) io.stdout(`  ${i + 1}. ${s}\n`);
    printCheck(io, r);
    return;
  }
  if (r.status === "dry-run") {
    io.stdout(`${r.name} → ${r.datasetDir} (dry run: nothing downloaded)\n`);
    io.stdout(
      `${table(
        ["file", "size", "checksum", "url"],
        r.files.map((f) => [
          f.name,
          f.size === null ? "unknown" : `${mb(f.size)}${f.sizeSource === "published" ? " (published)" : ""}`,
          f.checksum ?? "none",
          f.url,
        ]),
      )}\n`,
    );
    io.stdout(`total: ${mb(r.totalBytes)} to download, about as much again unpacked\n`);
    for (const f of r.files) if (f.checksumSource) io.stdout(`checksum of ${f.name}: ${f.checksumSource}\n`);
    const { splits } = r;
    if (splits.splitFilePath) io.stdout(`split file: ${splits.splitFilePath}\n`);
    else if (splits.splitFile) {
      // Loaded here, so that `vlmopt --help` does not load dataset-loaders (and sharp).
      const { splitFileNeeded } = await import("@vlmopt/dataset-loaders");
      io.stdout(`split file: ${splitFileNeeded(splits.splitFile, splits.from)}\n`);
    }
    if (splits.fewshot) io.stdout(`few-shot lists: ${splits.fewshot}\n`);
    io.stdout(`terms: ${r.terms}\n`);
    if (r.note) io.stdout(`note: ${r.note}\n`);
    if (splits.fewshotNote) io.stdout(`note: ${splits.fewshotNote}\n`);
    return;
  }
  io.stdout(
    r.status === "present"
      ? `${r.name} is already in ${r.datasetDir}; nothing downloaded\n`
      : `${r.name} downloaded to ${r.datasetDir} (${mb(r.totalBytes)})\n`,
  );
  io.stdout(`terms: ${r.terms}\n`);
  if (r.note) io.stdout(`note: ${r.note}\n`);
  if (r.splits.fewshotNote) io.stdout(`note: ${r.splits.fewshotNote}\n`);
  // Last, so that a missing split file (the check's error: which file, where to get it) ends the output.
  printCheck(io, r);
}

/** A name that is not a catalog dataset is a usage error (exit 2) listing the names; the embedded demo needs no download. */
async function checkDownloadName(registry: Registry, name: string): Promise<void> {
  const list = await registry.listDatasets();
  const names = list.filter((d) => typeof d.embeddedDir !== "string").map((d) => d.name);
  const known = list.flatMap((d) => [d.name, ...(Array.isArray(d.aliases) ? (d.aliases as string[]) : [])]);
  if (list.length > 0 && !known.includes(name.trim().toLowerCase())) {
    throw invalidValue("<name>", name, `one of: ${names.join(", ")}`, "datasets download");
  }
}

export const datasetsDownloadCommand = defineRun(datasetsDownloadSpec, {
  async run(parsed, { io, registry }) {
    const name = parsed.positionals[0] as string;
    await checkDownloadName(registry, name);
    const s = parsed.settings;
    // --data-root is not an option of this command, so it is never set here (as before the typed
    // settings showed it); the help's "default: --data-root / VLMOPT_DATA_ROOT" is kept as it was.
    const dataRoot = (s as Settings).dataRoot;
    const root = absolutePath(io.cwd, s.root ?? dataRoot ?? "data");
    const progress = downloadProgress(io, parsed.json);
    const mirror = s.mirror;
    const splits = s.splits ?? io.env.VLMOPT_COOP_SPLITS;
    let report: DownloadReport;
    try {
      report = await registry.downloadDataset(name, {
        root,
        ...(s.dryRun === true ? { dryRun: true } : {}),
        ...(s.force === true ? { force: true } : {}),
        ...(s.keepArchives === true ? { keepArchives: true } : {}),
        ...(mirror ? { mirror } : {}),
        ...(splits ? { splitsDir: absolutePath(io.cwd, splits) } : {}),
        ...(io.signal ? { signal: io.signal } : {}),
        onProgress: progress.onProgress,
        onStep: (step) => {
          if (parsed.json) return;
          progress.end();
          io.stderr(`${step}\n`);
        },
      });
    } finally {
      progress.end();
    }
    if (parsed.json) printJson(io, report);
    else await printReport(io, report);
    return report.check && !report.check.ok ? 1 : 0;
  },
});
