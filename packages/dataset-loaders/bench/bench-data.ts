/**
 * `pnpm bench:data`: peak memory of streaming features out of a Hugging Face parquet dataset.
 * Generates a 10,000-image parquet file in the layout `datasets` writes (Image feature as a
 * {bytes, path} struct, ClassLabel names in the "huggingface" metadata, 100 rows per row group),
 * from the demo's real EuroSAT JPEGs, and places it in an HF hub cache as `hf:bench/parquet-10k`.
 * Then, each in a fresh child process (HF_HUB_OFFLINE=1):
 *   (a) model: load the encoder and embed 16 images — the model's own footprint;
 *   (b) full: load `hf:bench/parquet-10k` (unpacks the images one row group at a time) and extract
 *       features of all 10,000 images with the same encoder.
 * Reports both peak RSS values and (b) - (a), against the target of at most 500 MB above the
 * model's own footprint. Prints a table and one final JSON line.
 *
 * Options: --n N (default 10000) --model SPEC (default random:tiny) --keep (leave the temp folder)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { extractFeatures } from "@vlmopt/core";
import { fileWriter, ParquetWriter } from "hyparquet-writer";
import { loadDataset } from "../src/load-dataset.js";
import { DEMO_DIR } from "../src/registry.js";

const TARGET_MB = 500;
const COMMIT = "0000000000000000000000000000000000000010";
const REPO = "bench/parquet-10k";

async function encoderOf(spec: string, cacheDir: string) {
  const { loadClipEncoder } = await import("@vlmopt/clip-embedding");
  return loadClipEncoder(spec, { cacheDir });
}

function generate(dir: string, n: number): string {
  const split = JSON.parse(readFileSync(join(DEMO_DIR, "split.json"), "utf8")) as Record<
    string,
    [string, number][]
  >;
  const pool = [...(split.train ?? []), ...(split.val ?? []), ...(split.test ?? [])];
  const names = readFileSync(join(DEMO_DIR, "classnames.txt"), "utf8").split("\n").filter(Boolean);
  const snap = join(dir, "hub", `datasets--${REPO.replace("/", "--")}`, "snapshots", COMMIT, "data");
  mkdirSync(snap, { recursive: true });
  mkdirSync(join(dir, "hub", `datasets--${REPO.replace("/", "--")}`, "refs"), { recursive: true });
  writeFileSync(join(dir, "hub", `datasets--${REPO.replace("/", "--")}`, "refs", "main"), COMMIT);
  const file = join(snap, "train-00000-of-00001.parquet");
  const pw = new ParquetWriter({
    writer: fileWriter(file),
    schema: [
      { name: "schema", num_children: 2 },
      { name: "image", repetition_type: "OPTIONAL", num_children: 2 },
      { name: "bytes", type: "BYTE_ARRAY", repetition_type: "OPTIONAL" },
      { name: "path", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
      { name: "label", type: "INT64", repetition_type: "OPTIONAL" },
    ],
    kvMetadata: [
      {
        key: "huggingface",
        value: JSON.stringify({
          info: { features: { image: { _type: "Image" }, label: { names, _type: "ClassLabel" } } },
        }),
      },
    ],
  });
  // Written 1,000 rows at a time (10 row groups of 100), so generating does not hold the file either.
  for (let start = 0; start < n; start += 1000) {
    const rows = Array.from(
      { length: Math.min(1000, n - start) },
      (_, k) => pool[(start + k) % pool.length] as [string, number],
    );
    pw.write({
      columnData: [
        {
          name: "image",
          data: rows.map(([rel], k) => ({
            bytes: new Uint8Array(readFileSync(join(DEMO_DIR, "images", rel))),
            path: `${start + k}.jpg`,
          })),
        },
        { name: "label", data: rows.map(([, l]) => BigInt(l)) },
      ],
      rowGroupSize: 100,
    });
  }
  pw.finish();
  return file;
}

async function child(mode: string, dir: string, model: string): Promise<void> {
  process.env.HF_HUB_OFFLINE = "1";
  process.env.HF_HUB_CACHE = join(dir, "hub");
  const encoder = await encoderOf(model, join(dir, "models"));
  let images = 16;
  if (mode === "model") {
    const ds = await loadDataset("demo", { root: dir });
    await extractFeatures(encoder, ds.splits.test.slice(0, 16));
  } else {
    const ds = await loadDataset(`hf:${REPO}`, {
      root: dir,
      hfCacheDir: join(dir, "unpacked"),
      splitSeed: 1,
    });
    const all = [...ds.splits.train, ...ds.splits.val, ...ds.splits.test];
    const feats = await extractFeatures(encoder, all);
    images = feats.labels.length;
  }
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ mode, maxRssMb, images })}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: "string", default: "10000" },
      model: { type: "string", default: "random:tiny" },
      keep: { type: "boolean", default: false },
      child: { type: "string" },
      dir: { type: "string" },
    },
  });
  if (values.child) return child(values.child, values.dir as string, values.model as string);
  const n = Number(values.n);
  const dir = mkdtempSync(join(tmpdir(), "vlmopt-bench-data-"));
  try {
    const file = generate(dir, n);
    const fileMb = statSync(file).size / 1e6;
    const self = fileURLToPath(import.meta.url);
    const run = (mode: string) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [self, "--child", mode, "--dir", dir, "--model", values.model as string],
          {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "inherit"],
          },
        )
          .trim()
          .split("\n")
          .pop() as string,
      ) as { maxRssMb: number; images: number };
    const model = run("model");
    const full = run("full");
    const above = full.maxRssMb - model.maxRssMb;
    const ok = above <= TARGET_MB;
    console.log(
      `bench:data — hf: parquet, ${full.images} images, file ${fileMb.toFixed(1)} MB, model ${values.model}`,
    );
    console.log(`  (a) model alone, peak RSS          ${model.maxRssMb.toFixed(0)} MB`);
    console.log(`  (b) load + extract all, peak RSS   ${full.maxRssMb.toFixed(0)} MB`);
    console.log(
      `  (b) - (a)                          ${above.toFixed(0)} MB  (target <= ${TARGET_MB} MB: ${ok ? "met" : "MISSED"})`,
    );
    console.log(
      JSON.stringify({
        bench: "data",
        images: full.images,
        fileMb,
        modelRssMb: model.maxRssMb,
        fullRssMb: full.maxRssMb,
        aboveModelMb: above,
        targetMb: TARGET_MB,
        ok,
      }),
    );
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
}

await main();
