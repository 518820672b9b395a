import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import sharp from "sharp";
import { EUROSAT_CLASS_NAMES } from "./data/eurosat-class-names.js";
import type { CoopEntry } from "./types.js";

export const FOLDERS = [
  "AnnualCrop",
  "Forest",
  "HerbaceousVegetation",
  "Highway",
  "Industrial",
  "Pasture",
  "PermanentCrop",
  "Residential",
  "River",
  "SeaLake",
];

/** A small valid JPEG; different `shade`s (0-255) give different bytes. */
export async function jpeg(shade: number, tone = 40): Promise<Buffer> {
  return sharp({ create: { width: 8, height: 8, channels: 3, background: { r: shade, g: tone, b: 90 } } })
    .jpeg()
    .toBuffer();
}

export function tempDir(prefix = "vlmopt-ds-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function write(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}

export interface MiniEuroSat {
  root: string;
  datasetDir: string;
  imageDir: string;
  split: { train: CoopEntry[]; val: CoopEntry[]; test: CoopEntry[] };
  writeSplit: (value: unknown) => void;
}

/**
 * A tiny EuroSAT in CoOp's layout under `root`: `eurosat/2750/<Class>/<Class>_<n>.jpg` (3 per class:
 * n=1 train, n=2 val, n=3 test), `eurosat/split_zhou_EuroSAT.json`, and a 1-shot seed-1 JSON list.
 */
export async function miniEuroSat(root: string): Promise<MiniEuroSat> {
  const datasetDir = join(root, "eurosat");
  const imageDir = join(datasetDir, "2750");
  const split = { train: [] as CoopEntry[], val: [] as CoopEntry[], test: [] as CoopEntry[] };
  for (const [label, folder] of FOLDERS.entries()) {
    for (const [n, list] of [
      [1, split.train],
      [2, split.val],
      [3, split.test],
    ] as const) {
      const rel = `${folder}/${folder}_${n}.jpg`;
      write(join(imageDir, rel), await jpeg(label * 25, n * 70));
      list.push([rel, label, EUROSAT_CLASS_NAMES[label] as string]);
    }
  }
  const writeSplit = (value: unknown) =>
    write(join(datasetDir, "split_zhou_EuroSAT.json"), JSON.stringify(value));
  writeSplit(split);
  write(
    join(datasetDir, "split_fewshot", "shot_1-seed_1.json"),
    JSON.stringify({ train: split.train, val: split.val }),
  );
  return { root, datasetDir, imageDir, split, writeSplit };
}
