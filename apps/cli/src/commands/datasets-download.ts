import type { DownloadReport } from "@vlmopt/dataset-loaders";
import type { Registry } from "@vlmopt/registry";
import { type Command, printJson } from "../command-context.js";
import { downloadProgress, mb } from "../download-progress.js";
import { table } from "../format.js";
import type { CliIo } from "../io.js";
import type { OptionSpec } from "../options.js";
import { absolutePath, str } from "../run-setup.js";
import { invalidValue } from "../usage-error.js";

const DOWNLOAD_OPTIONS: readonly OptionSpec[] = [
  {
    flag: "root",
    key: "root",
    type: "string",
    placeholder: "<dir>",
    description:
      "data root the dataset goes under, in CoOp's layout (default: --data-root / VLMOPT_DATA_ROOT, else ./data)",
  },
  {
    flag: "dry-run",
    key: "dryRun",
    type: "boolean",
    description: "list the files, their sizes and checksums, and download nothing",
  },
  {
    flag: "force",
    key: "force",
    type: "boolean",
    description: "replace a dataset folder that is there but does not pass `datasets check`",
  },
  {
    flag: "mirror",
    key: "mirror",
    type: "string",
    placeholder: "<url>",
    description: "fetch every file from <url>/<file name> instead (checksums still apply)",
  },
  {
    flag: "splits",
    key: "splits",
    type: "string",
    placeholder: "<dir>",
    description:
      "folder with CoOp's split_zhou_<Name>.json[.gz] and fewshot/<name>.json.gz, laid out like ../shared/datasets/coop_splits (default: VLMOPT_COOP_SPLITS); vlmopt does not ship them",
  },
  {
    flag: "keep-archives",
    key: "keepArchives",
    type: "boolean",
    description: "keep the downloaded archives in <root>/.vlmopt-downloads after unpacking",
  },
];

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

export const datasetsDownloadCommand: Command = {
  spec: {
    name: "datasets download",
    summary:
      "Downloads one of the paper's datasets into CoOp's layout (resumable, checksummed, safely unpacked), adds CoOp's split file and few-shot lists from --splits, and runs `datasets check`.",
    positionals: ["<name>"],
    options: DOWNLOAD_OPTIONS,
    examples: [
      "vlmopt datasets download eurosat --root data --splits ../shared/datasets/coop_splits",
      "vlmopt datasets download dtd --root data --dry-run",
      "vlmopt datasets download imagenet",
    ],
    notes:
      "Files go to <root>/.vlmopt-downloads first (an interrupted download resumes when run again), are unpacked into a temporary folder and renamed into place only when complete. vlmopt does not ship CoOp's split files: pass --splits <dir> (or set VLMOPT_COOP_SPLITS); without it the images are still downloaded and unpacked, and the output ends with the split file needed, where CoOp's DATASETS.md links it and where to put it. ImageNet, StanfordCars and UCF101 cannot be fetched automatically: the command says why and how to arrange a copy, and checks it once it is there.",
  },
  async run(parsed, { io, registry }) {
    const name = parsed.positionals[0] as string;
    await checkDownloadName(registry, name);
    const s = parsed.settings;
    const root = absolutePath(io.cwd, str(s, "root") ?? str(s, "dataRoot") ?? "data");
    const progress = downloadProgress(io, parsed.json);
    const mirror = str(s, "mirror");
    const splits = str(s, "splits") ?? io.env.VLMOPT_COOP_SPLITS;
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
};
