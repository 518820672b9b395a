import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, extname, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { extract as tarExtract } from "tar-stream";
import { readClassNamesFile } from "./class-names-file.js";
import { IMAGE_EXTENSIONS, type OwnDataOptions, splitOwnData } from "./own-data-options.js";
import type { ProblemList } from "./problems.js";
import type { DatasetSource } from "./source.js";
import type { CoopEntry, CoopSplit } from "./types.js";

/**
 * clip_benchmark's WebDataset layout (LAION-AI/CLIP_benchmark, clip_benchmark/webdataset_builder.py
 * @0d88674): `<dir>/classnames.txt` (one name per line, label order), `<dir>/<split>/<n>.tar`
 * shards (and `nshards.txt`), each sample `<key>.<webp|png|jpg>` + `<key>.cls` (the label, a
 * zero-based integer as text).
 */
export interface WdsOptions extends OwnDataOptions {
  /** Where shard images are unpacked (default `$VLMOPT_CACHE_DIR/wds` or `~/.cache/vlmopt/wds`). */
  wdsCacheDir?: string;
}

const SPLITS = ["train", "val", "test"] as const;
const isTar = (f: string) => f.endsWith(".tar");
/** Shards in numeric order (0.tar, 1.tar, ..., 10.tar), others by name after them. */
const byShard = (a: string, b: string) =>
  (Number.parseInt(a, 10) || 0) - (Number.parseInt(b, 10) || 0) || a.localeCompare(b);

interface ShardIndex {
  /** [file name in the shard's folder, label] per sample, in shard order. */
  samples: [string, number][];
  /** Sample keys with an image but no `.cls`, or a `.cls` that is not an integer. */
  unlabeled: string[];
}

function defaultCacheDir(): string {
  const base = process.env.VLMOPT_CACHE_DIR ?? join(homedir(), ".cache", "vlmopt");
  return join(base, "wds");
}

const safeName = (key: string) => key.replace(/[^\w.-]+/g, "_");

/**
 * Unpacks one shard into `dir` (via `dir.tmp`, renamed when complete), one entry at a time: memory
 * holds one image, never the shard. Samples are grouped by key (`s0000001.jpg` + `s0000001.cls`).
 */
async function unpackShard(shard: string, dir: string): Promise<ShardIndex> {
  const indexFile = join(dir, "index.json");
  if (existsSync(indexFile)) return JSON.parse(await readFile(indexFile, "utf8")) as ShardIndex;
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const images = new Map<string, string>();
  const labels = new Map<string, string>();
  const parser = tarExtract();
  const feeding = pipeline(createReadStream(shard), parser);
  feeding.catch(() => {});
  try {
    for await (const entry of parser) {
      const name = entry.header.name;
      const body = entry as unknown as Readable;
      const dot = name.indexOf(".", name.lastIndexOf("/") + 1);
      if (entry.header.type !== "file" || dot < 0) {
        body.resume();
        continue;
      }
      const key = name.slice(0, dot);
      const ext = name.slice(dot).toLowerCase();
      if (ext === ".cls") {
        const chunks: Buffer[] = [];
        for await (const c of body) chunks.push(c as Buffer);
        labels.set(key, Buffer.concat(chunks).toString("utf8").trim());
      } else if (IMAGE_EXTENSIONS.includes(extname(name).toLowerCase()) && !images.has(key)) {
        const file = `${safeName(key)}${extname(name).toLowerCase()}`;
        await pipeline(body, createWriteStream(join(tmp, file)));
        images.set(key, file);
      } else body.resume();
    }
    await feeding;
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  const index: ShardIndex = { samples: [], unlabeled: [] };
  for (const [key, file] of images) {
    const text = labels.get(key);
    if (text !== undefined && /^\d+$/.test(text)) index.samples.push([file, Number(text)]);
    else index.unlabeled.push(`${key}${text === undefined ? " (no .cls)" : ` (.cls "${text}")`}`);
  }
  await writeFile(join(tmp, "index.json"), JSON.stringify(index));
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return index;
}

/** Shards per split: `<dir>/<split>/*.tar`, or `<dir>/*.tar` as one pool ("all"). */
async function shardsOf(root: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const split of SPLITS) {
    const d = join(root, split);
    if (!existsSync(d)) continue;
    const tars = (await readdir(d)).filter(isTar).sort(byShard);
    if (tars.length > 0)
      out.set(
        split,
        tars.map((t) => join(d, t)),
      );
  }
  if (out.size === 0) {
    const tars = (await readdir(root)).filter(isTar).sort(byShard);
    if (tars.length > 0)
      out.set(
        "all",
        tars.map((t) => join(root, t)),
      );
  }
  return out;
}

/**
 * Reads a clip_benchmark WebDataset folder (`wds:<dir>`): class names from `classnames.txt`,
 * samples from the tar shards, unpacked once into a cache keyed by the shards' paths, sizes and
 * times. With `train/` and `test/` shards the split is kept; otherwise (clip_benchmark usually
 * ships `test/` only) all samples are pooled and split 50/20/30 per class (seeded, as own data).
 */
export async function readWdsSource(
  dirIn: string,
  options: WdsOptions,
  problems: ProblemList,
): Promise<DatasetSource | undefined> {
  const root = resolve(dirIn);
  if (!existsSync(root)) {
    problems.error(
      "dataset-not-found",
      `WebDataset folder ${root} does not exist`,
      "Pass wds:<folder> with classnames.txt and <split>/<n>.tar shards (clip_benchmark's layout), e.g. a local copy of a wds_* dataset repo.",
      { file: root },
    );
    return undefined;
  }
  const classFile = join(root, "classnames.txt");
  if (!existsSync(classFile)) {
    problems.error(
      "wds-classnames-missing",
      `${classFile} is missing: a WebDataset folder needs its class names`,
      "Add classnames.txt (one class name per line, in label order), as clip_benchmark's webdataset_builder writes it.",
      { file: classFile },
    );
    return undefined;
  }
  const classNames = await readClassNamesFile(classFile, problems);
  const shards = await shardsOf(root);
  if (shards.size === 0) {
    problems.error(
      "wds-no-shards",
      `${root} has no .tar shards (looked in ${SPLITS.map((s) => `${s}/`).join(", ")} and the folder itself)`,
      "Put the shards in <folder>/<split>/<n>.tar (e.g. test/0.tar).",
      { file: root },
    );
    return undefined;
  }
  if (!classNames) return undefined;

  const fingerprint = createHash("sha256").update(root);
  for (const list of shards.values())
    for (const s of list) {
      const st = await stat(s);
      fingerprint.update(`\0${s}\0${st.size}\0${st.mtimeMs}`);
    }
  const cache = join(options.wdsCacheDir ?? defaultCacheDir(), fingerprint.digest("hex").slice(0, 16));
  const parts = new Map<string, CoopEntry[]>();
  const unlabeled: string[] = [];
  const outOfRange: string[] = [];
  for (const [split, list] of shards) {
    const entries: CoopEntry[] = [];
    for (const shard of list) {
      const shardDir = join(split, basename(shard, ".tar"));
      let index: ShardIndex;
      try {
        index = await unpackShard(shard, join(cache, shardDir));
      } catch (error) {
        problems.error(
          "wds-shard-invalid",
          `${shard} is not a readable tar shard (${(error as Error).message})`,
          "Re-download the shard; a truncated or corrupt tar cannot be read.",
          { file: shard },
        );
        continue;
      }
      unlabeled.push(...index.unlabeled.map((k) => `${shard}: ${k}`));
      for (const [file, label] of index.samples) {
        const name = classNames[label];
        if (name === undefined) outOfRange.push(`${shard}: ${file} (.cls ${label})`);
        else entries.push([`${shardDir}/${file}`.replaceAll("\\", "/"), label, name]);
      }
    }
    parts.set(split, entries);
  }
  problems.items({
    severity: "error",
    code: "wds-label-missing",
    file: root,
    items: unlabeled,
    one: (item) => `Sample without an integer label: ${item}`,
    many: (k) => `${k} samples have no integer .cls label`,
    fix: "Every sample needs <key>.cls holding its zero-based class index.",
  });
  problems.items({
    severity: "error",
    code: "label-out-of-range",
    file: classFile,
    items: outOfRange,
    one: (item) => `Label outside classnames.txt (${classNames.length} classes): ${item}`,
    many: (k) => `${k} samples have a label outside classnames.txt (${classNames.length} classes)`,
    fix: "Labels are zero-based indices into classnames.txt; fix the shard or add the missing class names.",
  });
  const presplit = parts.has("train") && parts.has("test");
  let split: CoopSplit;
  if (presplit)
    split = { train: parts.get("train") ?? [], val: parts.get("val") ?? [], test: parts.get("test") ?? [] };
  else split = splitOwnData([...parts.values()].flat(), options);
  return {
    name: options.name ?? basename(root),
    ...(options.description ? { description: options.description } : {}),
    classNames,
    layout: "wds",
    datasetDir: root,
    imageDir: cache,
    splitFile: null,
    split,
    generatedSplit: !presplit,
  };
}
