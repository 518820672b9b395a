import { existsSync } from "node:fs";
import { copyFile, mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { ConfigError, throwIfAborted } from "@vlmopt/core";
import { type CheckDatasetOptions, checkDataset } from "../check-dataset.js";
import { getDatasetInfo } from "../registry.js";
import type { CheckReport } from "../types.js";
import { addSplits, planSplits, type SplitsReport, splitsFolder } from "./add-splits.js";
import {
  type DatasetPlan,
  type DownloadPlan,
  downloadPlanOf,
  type ManualPlan,
  type RemoteFile,
} from "./catalog.js";
import { freeBytes as statfsFree } from "./disk-space.js";
import { DatasetDownloadError } from "./download-error.js";
import { extractArchive } from "./extract-archive.js";
import { fetchFile, remoteSize, type TransferProgress, verifyFile } from "./fetch-file.js";

export interface DownloadDatasetOptions {
  /** The data root: the dataset goes to `<root>/<CoOp folder>` (e.g. `<root>/eurosat`). */
  root: string;
  /** List the files, their sizes and checksums (HEAD requests for sizes); write nothing. */
  dryRun?: boolean;
  /** Replace a dataset folder that is there but does not pass `datasets check`. */
  force?: boolean;
  /** Keep the downloaded archives in `<root>/.vlmopt-downloads` after unpacking. */
  keepArchives?: boolean;
  /** Fetch every file from `<mirror>/<file name>` instead of its source (checksums still apply). */
  mirror?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Free bytes on the disk holding a folder (default: statfs); tests simulate a full disk. */
  freeBytes?: (dir: string) => Promise<number>;
  /** Attempts per file when a transfer breaks (each resumes with Range). Default 4. */
  maxAttempts?: number;
  onProgress?: (p: TransferProgress) => void;
  /** One line per step ("downloading …", "unpacking …", "checking …"). */
  onStep?: (message: string) => void;
  /** Options of the closing `checkDataset` (default: header check of every image). */
  check?: CheckDatasetOptions;
  /**
   * A folder with CoOp's split files and few-shot lists, laid out like ../shared/datasets/coop_splits:
   * `split_zhou_<Name>.json[.gz]` and `fewshot/<dataset>.json.gz` (the CLI's --splits / VLMOPT_COOP_SPLITS).
   * vlmopt does not ship them. Without it (or without the dataset's file in it) the images are still
   * downloaded and unpacked, and the closing check names the split file needed and where to get it.
   */
  splitsDir?: string;
  /** The plans to use instead of DOWNLOAD_PLANS (tests: archives generated with their checksums). */
  catalog?: readonly DatasetPlan[];
}

export interface PlannedFile {
  name: string;
  url: string;
  size: number | null;
  /** "server": Content-Length of a HEAD request; "published": the catalog's (TFDS) figure. */
  sizeSource: "server" | "published" | null;
  checksum: string | null;
  checksumSource: string | null;
}

export interface DownloadReport {
  name: string;
  root: string;
  datasetDir: string;
  /** "downloaded"; "present" (already there and valid: nothing fetched); "manual"; "dry-run". */
  status: "downloaded" | "present" | "manual" | "dry-run";
  files: PlannedFile[];
  /** Sum of the known sizes. */
  totalBytes: number;
  terms: string;
  note: string | null;
  /** ManualPlan only: why vlmopt cannot fetch it and what to do. */
  reason: string | null;
  steps: string[];
  /** CoOp's split file and few-shot lists: where from, and what is missing (a dry run: what would be). */
  splits: SplitsReport;
  /** The closing `datasets check` (absent for a dry run, or a manual dataset not arranged yet). */
  check: CheckReport | null;
}

const DOWNLOADS = ".vlmopt-downloads";
/** Unpacked images take about as much space as their (already compressed) archives; with margin. */
const UNPACK_FACTOR = 1.1;

function planFor(
  name: string,
  catalog: readonly DatasetPlan[] | undefined,
): { plan: DatasetPlan; canonical: string } {
  const info = getDatasetInfo(name);
  if (info.embeddedDir) {
    throw new ConfigError(
      `"${info.name}" ships with vlmopt (${info.embeddedDir}); there is nothing to download`,
      {
        hint: `use it directly: --dataset ${info.name}`,
      },
    );
  }
  const plan = catalog ? catalog.find((p) => p.name === info.name) : downloadPlanOf(info.name);
  if (!plan) throw new ConfigError(`No download is known for "${info.name}"`, { hint: info.source });
  return { plan, canonical: info.name };
}

const urlOf = (file: RemoteFile, mirror: string | undefined) =>
  mirror ? `${mirror.replace(/\/+$/, "")}/${encodeURIComponent(file.name)}` : file.url;

const checksumOf = (f: RemoteFile) => (f.sha256 ? `sha256:${f.sha256}` : f.md5 ? `md5:${f.md5}` : null);

async function sizesOf(
  plan: DownloadPlan,
  options: DownloadDatasetOptions,
  ask: boolean,
): Promise<PlannedFile[]> {
  return Promise.all(
    plan.files.map(async (f) => {
      const url = urlOf(f, options.mirror);
      const server = ask
        ? await remoteSize(url, {
            ...(options.fetch ? { fetch: options.fetch } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
          })
        : null;
      const size = server ?? f.size ?? null;
      return {
        name: f.name,
        url,
        size,
        sizeSource: server !== null ? "server" : f.size !== undefined ? "published" : null,
        checksum: checksumOf(f),
        checksumSource: f.checksumSource ?? null,
      };
    }),
  );
}

function report(
  plan: DatasetPlan,
  root: string,
  status: DownloadReport["status"],
  files: PlannedFile[],
  splits: SplitsReport,
  check: CheckReport | null,
): DownloadReport {
  return {
    name: plan.name,
    root,
    datasetDir: join(root, plan.datasetDir),
    status,
    files,
    totalBytes: files.reduce((n, f) => n + (f.size ?? 0), 0),
    terms: plan.terms,
    note: plan.kind === "download" ? (plan.note ?? null) : null,
    reason: plan.kind === "manual" ? plan.reason : null,
    steps: plan.kind === "manual" ? plan.steps.map((s) => s.replaceAll("<root>", root)) : [],
    splits,
    check,
  };
}

/** The nearest folder that exists at or above `dir` (statfs needs one). */
function existingAncestor(dir: string): string {
  let d = dir;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  return d;
}

const gb = (n: number) => `${(n / 1e9).toFixed(n < 1e8 ? 3 : 1)} GB`;

async function checkDisk(
  planned: PlannedFile[],
  downloads: string,
  root: string,
  options: DownloadDatasetOptions,
): Promise<void> {
  let download = 0;
  let unpacked = 0;
  for (const f of planned) {
    if (f.size === null) continue;
    const done = existsSync(join(downloads, f.name));
    const part = join(downloads, `${f.name}.part`);
    const have = done ? f.size : existsSync(part) ? (await stat(part)).size : 0;
    download += Math.max(0, f.size - have);
    unpacked += f.size * UNPACK_FACTOR;
  }
  const need = Math.ceil(download + unpacked);
  const where = existingAncestor(root);
  const free = await (options.freeBytes ?? statfsFree)(where);
  if (free < need) {
    throw new DatasetDownloadError(
      `Not enough free disk space in ${where}: the download needs about ${gb(need)} (${gb(download)} to download, ${gb(unpacked)} unpacked) and ${gb(free)} is free`,
      { hint: "Free some space, or pass --root <dir> on a larger disk; nothing was written", file: where },
    );
  }
}

async function runCheck(name: string, root: string, options: DownloadDatasetOptions): Promise<CheckReport> {
  options.onStep?.(`checking ${name} (vlmopt datasets check ${name} --data-root ${root})`);
  return checkDataset(name, root, {
    ...options.check,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

async function manual(
  plan: ManualPlan,
  root: string,
  splitsDir: string | null,
  options: DownloadDatasetOptions,
): Promise<DownloadReport> {
  const dir = join(root, plan.datasetDir);
  if (options.dryRun || !existsSync(dir)) {
    return report(plan, root, "manual", [], planSplits(plan, splitsDir), null);
  }
  const splits = await addSplits(plan, dir, splitsDir);
  return report(plan, root, "manual", [], splits, await runCheck(plan.name, root, options));
}

/** True when the check's only errors are a missing split file (the images are there). */
const onlySplitFileMissing = (check: CheckReport) =>
  check.problems.every((p) => p.severity !== "error" || p.code === "split-file-missing");

/** Unpacks every file of the plan into `staging` (the future dataset folder). */
async function unpack(
  plan: DownloadPlan,
  downloads: string,
  staging: string,
  options: DownloadDatasetOptions,
) {
  for (const f of plan.files) {
    throwIfAborted(options.signal);
    const file = join(downloads, f.name);
    if (f.saveAs) {
      await mkdir(dirname(join(staging, f.saveAs)), { recursive: true });
      await copyFile(file, join(staging, f.saveAs));
      continue;
    }
    if (!f.extract) continue;
    options.onStep?.(`unpacking ${f.name}`);
    const into = join(staging, f.extract.into);
    try {
      await extractArchive(file, into, f.extract, options.signal);
    } catch (error) {
      // A bad archive that passed its checksum (or had none) must not be reused by a rerun.
      if (DatasetDownloadError.isInstance(error)) await rm(file, { force: true });
      throw error;
    }
    if (f.nested) {
      const inner = join(into, f.nested.member);
      if (!existsSync(inner)) {
        throw new DatasetDownloadError(`${f.name} does not contain ${f.nested.member}`, {
          hint: "The archive's layout changed; arrange the dataset by hand as CoOp's DATASETS.md says",
          file,
        });
      }
      await verifyFile(inner, f.nested, `${f.name}:${f.nested.member}`);
      options.onStep?.(`unpacking ${f.nested.member}`);
      await extractArchive(inner, join(staging, f.nested.into), f.nested, options.signal);
      await rm(into, { recursive: true, force: true });
    }
  }
}

/**
 * Downloads one of the paper's datasets into `<root>/<CoOp folder>`, ready for `loadDataset`:
 * checks free disk space first (statfs), fetches each file into `<root>/.vlmopt-downloads`
 * (resuming with Range requests; checksum verified), unpacks into a temporary folder (no entry may
 * leave it, no link may point out of it), adds CoOp's split file and few-shot lists from
 * `splitsDir` (when given and it has them), renames the folder into place, and ends with
 * `checkDataset`, which names a split file still missing and where to get it. On any error the
 * temporary folder is removed, so a half-unpacked dataset never looks valid; downloaded parts are
 * kept so that running again resumes. ImageNet, StanfordCars and UCF101 cannot be fetched: their
 * report says why and how to arrange a copy (and checks it when the folder is there).
 */
export async function downloadDataset(
  name: string,
  options: DownloadDatasetOptions,
): Promise<DownloadReport> {
  const { plan, canonical } = planFor(name, options.catalog);
  const root = resolve(options.root);
  const splitsDir = splitsFolder(options.splitsDir);
  if (plan.kind === "manual") return manual(plan, root, splitsDir, options);
  const dir = join(root, plan.datasetDir);
  if (options.dryRun) {
    const files = await sizesOf(plan, options, true);
    return report(plan, root, "dry-run", files, planSplits(plan, splitsDir), null);
  }

  if (existsSync(dir)) {
    let existing = await runCheck(canonical, root, options);
    if (existing.ok || onlySplitFileMissing(existing)) {
      // Images already there (e.g. downloaded before without --splits): add what --splits has.
      const splits = await addSplits(plan, dir, splitsDir);
      if (!existing.ok && !splits.splitFileMissing) existing = await runCheck(canonical, root, options);
      return report(plan, root, "present", await sizesOf(plan, options, false), splits, existing);
    }
    if (!options.force) {
      const errors = existing.problems.filter((p) => p.severity === "error").length;
      throw new DatasetDownloadError(
        `${dir} already exists but is not a complete ${plan.name} dataset (${errors} problem${errors === 1 ? "" : "s"}; see \`vlmopt datasets check ${plan.name} --data-root ${root}\`)`,
        { hint: "Move it away, or pass --force to replace it with a fresh download", file: dir },
      );
    }
  }

  const downloads = join(root, DOWNLOADS);
  const planned = await sizesOf(plan, options, true);
  await checkDisk(planned, downloads, root, options);
  const rootExisted = existsSync(root);
  await mkdir(downloads, { recursive: true });
  try {
    for (const f of plan.files) {
      const url = urlOf(f, options.mirror);
      options.onStep?.(`downloading ${f.name} from ${url}`);
      await fetchFile(url, join(downloads, f.name), f, {
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
    }
  } catch (error) {
    // Keep partial downloads (a rerun resumes them); leave no empty folder behind.
    if ((await readdir(downloads)).length === 0) await rm(downloads, { recursive: true, force: true });
    if (!rootExisted && (await readdir(root)).length === 0) await rm(root, { recursive: true, force: true });
    throw error;
  }

  const staging = join(root, `.vlmopt-staging-${plan.name}-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  let splits: SplitsReport;
  try {
    await mkdir(staging, { recursive: true });
    await unpack(plan, downloads, staging, options);
    splits = await addSplits(plan, staging, splitsDir);
    const old = `${dir}.replaced-${process.pid}`;
    if (existsSync(dir)) await rename(dir, old);
    await rename(staging, dir);
    await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  if (!options.keepArchives) {
    for (const f of plan.files) await rm(join(downloads, f.name), { force: true });
    if ((await readdir(downloads)).length === 0) await rm(downloads, { recursive: true, force: true });
  }
  // The staging folder is now `dir`: name the files where they are.
  const moved = (p: string | null) => (p ? join(dir, p.slice(staging.length + 1)) : null);
  splits = { ...splits, splitFilePath: moved(splits.splitFilePath), fewshot: moved(splits.fewshot) };
  return report(plan, root, "downloaded", planned, splits, await runCheck(canonical, root, options));
}
