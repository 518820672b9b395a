import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { extname, join } from "node:path";
import type { DownloadOptions } from "@vlmopt/clip-embedding/hub";
import { IMAGE_EXTENSIONS, type OwnDataOptions, splitOwnData } from "../own-data-options.js";
import type { ProblemList } from "../problems.js";
import type { DatasetSource } from "../source.js";
import type { CoopEntry, CoopSplit } from "../types.js";
import { matchCoopSplit } from "./coop-match.js";
import { findHfColumns, readHfRows } from "./hf-parquet.js";
import { type HfSpec, normalizeSplit, parseHfSpec, splitOfParquetPath } from "./hf-spec.js";

/** Hub connection options for `hf:` sources (defaults: HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE, HF_HUB_CACHE). */
export type HfHubOptions = Pick<
  DownloadOptions,
  "endpoint" | "token" | "offline" | "hubCacheDir" | "fetch" | "env" | "signal" | "onDownloadProgress"
>;

export interface HfOptions extends OwnDataOptions {
  hub?: HfHubOptions;
  /** Where images are unpacked from the parquet files (default `<vlmopt cache>/hf`). */
  hfCacheDir?: string;
  /** CoOp's split files (`--splits` / VLMOPT_COOP_SPLITS), for known datasets. */
  splitsDir?: string;
}

interface UnpackedFile {
  /** [file in the unpacked folder, label value as text, original image path or null]. */
  rows: [string, string, string | null][];
  classNames: string[] | null;
  labelColumn: string | null;
}

const sniffExt = (b: Uint8Array): string => {
  if (b[0] === 0xff && b[1] === 0xd8) return ".jpg";
  if (b[0] === 0x89 && b[1] === 0x50) return ".png";
  if (b[0] === 0x52 && b[1] === 0x49 && b[8] === 0x57 && b[9] === 0x45) return ".webp";
  if (b[0] === 0x47 && b[1] === 0x49) return ".gif";
  if (b[0] === 0x42 && b[1] === 0x4d) return ".bmp";
  return ".img";
};

class NoImageColumn extends Error {}

/**
 * Unpacks one parquet file's images into `dir` (via `dir.tmp-<pid>`, renamed when complete), one
 * row group at a time, with an index of rows. The file is read by byte ranges, never whole.
 */
async function unpackParquet(file: string, dir: string): Promise<UnpackedFile> {
  const indexFile = join(dir, "index.json");
  if (existsSync(indexFile)) return JSON.parse(await readFile(indexFile, "utf8")) as UnpackedFile;
  const { asyncBufferFromFile, parquetMetadataAsync } = await import("hyparquet");
  const buffer = await asyncBufferFromFile(file);
  const metadata = await parquetMetadataAsync(buffer);
  const cols = findHfColumns(metadata);
  if (!cols.image) throw new NoImageColumn(cols.columns.join(", "));
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const out: UnpackedFile = { rows: [], classNames: cols.classNames, labelColumn: cols.label };
  try {
    for await (const group of readHfRows(buffer, metadata, { image: cols.image, label: cols.label })) {
      for (const row of group) {
        if (!row.bytes) continue;
        const fromPath = row.path ? extname(row.path).toLowerCase() : "";
        const ext = IMAGE_EXTENSIONS.includes(fromPath) ? fromPath : sniffExt(row.bytes);
        const name = `${String(row.index).padStart(6, "0")}${ext}`;
        await writeFile(join(tmp, name), row.bytes);
        out.rows.push([
          name,
          row.label === undefined || row.label === null ? "" : String(row.label),
          row.path,
        ]);
      }
    }
    await writeFile(join(tmp, "index.json"), JSON.stringify(out));
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return out;
}

function defaultHfCacheDir(env: NodeJS.ProcessEnv): string {
  return join(
    env.VLMOPT_CACHE_DIR ?? join(env.XDG_CACHE_HOME || join(env.HOME ?? ".", ".cache"), "vlmopt"),
    "hf",
  );
}

/**
 * Reads `hf:<repo>[@revision][:split]`: a Hugging Face dataset in parquet. The repo's parquet files
 * are found in the hub's file listing, assigned to splits as `datasets` does, downloaded into the HF
 * hub cache (`datasets--owner--name`, shared with Python), and their images unpacked once into
 * vlmopt's cache. Labels and class names come from the ClassLabel feature. CoOp's split is applied
 * when the dataset is one of the paper's and every image of CoOp's split file is found by name;
 * otherwise the dataset's own splits are kept (or, with one split, split 50/20/30 per class), and
 * `splitFile` says which.
 */
export async function readHfSource(
  rest: string,
  options: HfOptions,
  problems: ProblemList,
): Promise<DatasetSource | undefined> {
  const spec: HfSpec = parseHfSpec(rest);
  const hub = await import("@vlmopt/clip-embedding/hub");
  const env = options.hub?.env ?? process.env;
  const dl: DownloadOptions = { ...options.hub, repoType: "dataset", revision: spec.revision };
  const label = `hf:${spec.repo}@${spec.revision}`;
  const listed = (await hub.listRepoFiles(spec.repo, dl)).filter((f) => f.endsWith(".parquet")).sort();
  const wanted = spec.split
    ? listed.filter((f) => splitOfParquetPath(f) === normalizeSplit(spec.split as string))
    : listed;
  if (wanted.length === 0) {
    problems.error(
      "hf-no-parquet",
      listed.length === 0
        ? `${label} has no parquet files`
        : `${label} has no parquet files of split "${spec.split}" (splits: ${[...new Set(listed.map(splitOfParquetPath))].join(", ")})`,
      listed.length === 0
        ? "Use a dataset with parquet files, or its parquet branch: hf:<repo>@refs/convert/parquet"
        : "Pick one of the listed splits, or leave the split out to use them all.",
      { file: label },
    );
    return undefined;
  }
  const downloaded = await hub.downloadRepoFiles(spec.repo, wanted, dl);
  const commit = downloaded.dir.split(/[\\/]/).pop() ?? spec.revision;
  const cacheRoot = join(
    options.hfCacheDir ?? defaultHfCacheDir(env),
    `datasets--${spec.repo.replaceAll("/", "--")}`,
    commit,
  );
  const bySplit = new Map<string, CoopEntry[]>();
  const originals = new Map<string, string>();
  let classNames: string[] | null = null;
  let labelColumn: string | null = null;
  const raw: { split: string; rel: string; label: string }[] = [];
  for (const path of wanted) {
    const local = join(downloaded.dir, path);
    const rel = path.replace(/\.parquet$/, "");
    let unpacked: UnpackedFile;
    try {
      unpacked = await unpackParquet(local, join(cacheRoot, rel));
    } catch (error) {
      if (error instanceof NoImageColumn) {
        problems.error(
          "hf-no-image-column",
          `${label}: ${path} has no image column (columns: ${error.message || "none"})`,
          "hf: reads image datasets: a column with the Image feature, stored as a {bytes, path} struct. Pick an image-classification dataset (or its refs/convert/parquet branch).",
          { file: local },
        );
      } else {
        problems.error(
          "hf-parquet-invalid",
          `${label}: ${path} is not a readable parquet file (${(error as Error).message})`,
          "Delete it from the HF hub cache and run again to re-download it.",
          { file: local },
        );
      }
      continue;
    }
    classNames ??= unpacked.classNames;
    labelColumn ??= unpacked.labelColumn;
    const split = spec.split ? "all" : splitOfParquetPath(path);
    for (const [file, value, original] of unpacked.rows) {
      const relFile = `${rel}/${file}`;
      raw.push({ split, rel: relFile, label: value });
      if (original) originals.set(relFile, original);
    }
  }
  if (problems.hasErrors) return undefined;
  if (!labelColumn) {
    problems.error(
      "hf-no-label-column",
      `${label} has no label column (a ClassLabel feature, or a column named label)`,
      "hf: reads image-classification datasets, whose label column is a ClassLabel.",
      { file: label },
    );
    return undefined;
  }
  // Without ClassLabel names, string labels name the classes (sorted, as ClassLabel would).
  const numeric = raw.every((r) => /^\d+$/.test(r.label));
  classNames ??= numeric ? null : [...new Set(raw.map((r) => r.label))].sort();
  if (!classNames) {
    problems.error(
      "hf-no-class-names",
      `${label}: the label column "${labelColumn}" has integer labels but no ClassLabel names in the parquet metadata`,
      "Use a dataset whose label is a ClassLabel feature (its names are in the parquet's huggingface metadata).",
      { file: label },
    );
    return undefined;
  }
  const names = classNames;
  const outOfRange: string[] = [];
  for (const r of raw) {
    const idx = numeric ? Number(r.label) : names.indexOf(r.label);
    const name = names[idx];
    if (name === undefined) {
      outOfRange.push(`${r.rel} (label ${r.label})`);
      continue;
    }
    const list = bySplit.get(r.split) ?? [];
    list.push([r.rel, idx, name]);
    bySplit.set(r.split, list);
  }
  problems.items({
    severity: "error",
    code: "label-out-of-range",
    file: label,
    items: outOfRange,
    one: (item) => `Label outside the ${names.length} ClassLabel names: ${item}`,
    many: (k) => `${k} rows have a label outside the ${names.length} ClassLabel names`,
    fix: "The dataset's labels and its ClassLabel names disagree; report it to the dataset's authors.",
  });
  if (problems.hasErrors) return undefined;

  const all = [...bySplit.values()].flat();
  const coop = await matchCoopSplit(spec.repo, all, originals, options.splitsDir ?? env.VLMOPT_COOP_SPLITS);
  let split: CoopSplit;
  let splitFile: string;
  let generatedSplit = false;
  let outNames: readonly string[] = names;
  if (coop.split) {
    split = coop.split;
    splitFile = coop.file as string;
    outNames = coop.classNames as readonly string[];
  } else {
    const own = bySplit.has("train") && bySplit.has("test");
    if (own) {
      split = {
        train: bySplit.get("train") ?? [],
        val: bySplit.get("validation") ?? [],
        test: bySplit.get("test") ?? [],
      };
    } else {
      split = splitOwnData(all, options);
      generatedSplit = true;
    }
    const how = own ? "the dataset's own train/validation/test splits" : "a seeded 50/20/30 split per class";
    splitFile = `${label} (${how}${coop.note ? `; ${coop.note}` : ""})`;
    if (coop.note)
      problems.warning("hf-coop-split-unmatched", coop.note, "The dataset's own splits were used.", {
        file: label,
      });
  }
  return {
    name: options.name ?? spec.repo.split("/")[1] ?? spec.repo,
    ...(options.description ? { description: options.description } : {}),
    classNames: outNames,
    layout: "hf",
    datasetDir: downloaded.dir,
    imageDir: cacheRoot,
    splitFile,
    split,
    generatedSplit,
  };
}
