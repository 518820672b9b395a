import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkDataset } from "./check-dataset.js";
import { makeTar } from "./download/archives.test-helper.js";
import { loadDataset } from "./load-dataset.js";
import { DEMO_DIR } from "./registry.js";

// Shards in clip_benchmark's layout, generated from the demo's real EuroSAT images:
// <dir>/classnames.txt, <dir>/<split>/<n>.tar with s%07d.jpg + s%07d.cls samples.
const work = mkdtempSync(join(tmpdir(), "vlmopt-wds-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const split = JSON.parse(readFileSync(join(DEMO_DIR, "split.json"), "utf8")) as Record<
  string,
  [string, number][]
>;
const classNames = readFileSync(join(DEMO_DIR, "classnames.txt"), "utf8");

type Sample = [string, number];
async function writeWds(dir: string, parts: Record<string, Sample[][]>, extra: { cls?: string } = {}) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "classnames.txt"), classNames);
  let key = 0;
  for (const [name, shards] of Object.entries(parts)) {
    mkdirSync(join(dir, name), { recursive: true });
    for (const [n, samples] of shards.entries()) {
      const entries = samples.flatMap(([rel, label]) => {
        const k = `s${String(key++).padStart(7, "0")}`;
        return [
          { name: `${k}.jpg`, data: readFileSync(join(DEMO_DIR, "images", rel)) },
          { name: `${k}.cls`, data: extra.cls ?? String(label) },
        ];
      });
      writeFileSync(join(dir, name, `${n}.tar`), await makeTar(entries, false));
    }
    writeFileSync(join(dir, name, "nshards.txt"), `${shards.length}\n`);
  }
}

const cache = join(work, "cache");
const test = split.test ?? [];
const train = [...(split.train ?? []), ...(split.val ?? [])];

describe("wds:<dir> (clip_benchmark WebDataset shards)", () => {
  it("test/ shards only: pooled and split 50/20/30 per class; 1-shot sample; images unpacked once", async () => {
    const dir = join(work, "wds_eurosat_test");
    await writeWds(dir, { test: [test.slice(0, 150), test.slice(150)] });
    const ds = await loadDataset(`wds:${dir}`, { root: work, wdsCacheDir: cache, shots: 1, seed: 1 });
    expect(ds.name).toBe("wds_eurosat_test");
    expect(ds.classNames).toHaveLength(10);
    expect(ds.classNames[0]).toBe("Annual Crop Land");
    expect(ds.splits.train).toHaveLength(10);
    expect(ds.splits.test.length).toBe(90); // 30% of 30 per class
    // labels come from .cls: each image's label is its class in the demo split
    const labelOf = new Map(
      test.map(([rel, l]) => [readFileSync(join(DEMO_DIR, "images", rel)).toString("base64"), l]),
    );
    for (const img of [...ds.splits.train, ...ds.splits.test])
      expect(labelOf.get(readFileSync(img.path).toString("base64"))).toBe(img.label);
    const unpacked = readdirSync(cache);
    expect(unpacked).toHaveLength(1);
    await loadDataset(`wds:${dir}`, { root: work, wdsCacheDir: cache });
    expect(readdirSync(cache)).toEqual(unpacked);
  });

  it("train/ and test/ shards: the split is kept", async () => {
    const dir = join(work, "presplit");
    await writeWds(dir, { train: [train], test: [test.filter((_, i) => i % 6 === 0)] });
    const ds = await loadDataset(`wds:${dir}`, { root: work, wdsCacheDir: cache });
    expect([ds.splits.train.length, ds.splits.test.length]).toEqual([60, 50]);
  });

  it("missing classnames.txt, a label outside it, a corrupt shard: one clear problem each", async () => {
    const noNames = join(work, "no-names");
    await writeWds(noNames, { test: [test.slice(0, 20)] });
    rmSync(join(noNames, "classnames.txt"));
    await expect(loadDataset(`wds:${noNames}`, { root: work, wdsCacheDir: cache })).rejects.toThrow(
      /classnames\.txt is missing/,
    );
    const bad = join(work, "bad-label");
    await writeWds(bad, { test: [test.slice(0, 20)] }, { cls: "12" });
    const report = await checkDataset(`wds:${bad}`, work, { wdsCacheDir: cache, images: "exists" });
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.code)).toContain("label-out-of-range");
    const corrupt = join(work, "corrupt");
    await writeWds(corrupt, { test: [test.slice(0, 20)] });
    writeFileSync(
      join(corrupt, "test", "0.tar"),
      readFileSync(join(corrupt, "test", "0.tar")).subarray(0, 700),
    );
    await expect(loadDataset(`wds:${corrupt}`, { root: work, wdsCacheDir: cache })).rejects.toThrow(
      /0\.tar is not a readable tar shard/,
    );
  });
});
