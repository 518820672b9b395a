import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DatasetFormatError } from "@vlmopt/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkDataset } from "./check-dataset.js";
import { jpeg, type MiniEuroSat, miniEuroSat, tempDir, write } from "./fixtures.test-helper.js";
import { loadDataset } from "./load-dataset.js";
import { readSplitFile } from "./split-file.js";
import type { CheckReport } from "./types.js";

const codes = (r: CheckReport, severity = "error") =>
  [...new Set(r.problems.filter((p) => p.severity === severity).map((p) => p.code))].sort();

let tmp: { dir: string; cleanup: () => void };
let ds: MiniEuroSat;
beforeEach(async () => {
  tmp = tempDir();
  ds = await miniEuroSat(tmp.dir);
});
afterEach(() => tmp.cleanup());

describe("checkDataset on generated fixtures", () => {
  it("a good CoOp-layout dataset passes; its small counts are warnings", async () => {
    const report = await checkDataset("eurosat", tmp.dir);
    expect(codes(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.layout).toBe("coop");
    expect(report.imageDir).toBe(ds.imageDir);
    expect(codes(report, "warning")).toEqual(["count-mismatch"]);
    expect(report.counts).toMatchObject({
      classes: 10,
      train: 10,
      val: 10,
      test: 10,
      imagesChecked: 30,
      fewshotFiles: 1,
    });
    const loaded = await loadDataset("eurosat", { root: tmp.dir, shots: 1, seed: 1 });
    expect(loaded.splits.train.map((i) => i.path)).toEqual(ds.split.train.map(([p]) => join(ds.imageDir, p)));
  });

  it("a missing image is reported by check and makes load fail naming the file", async () => {
    const gone = join(ds.imageDir, "Forest/Forest_3.jpg");
    const { rmSync } = await import("node:fs");
    rmSync(gone);
    const report = await checkDataset("eurosat", tmp.dir);
    expect(report.ok).toBe(false);
    expect(report.problems.find((p) => p.code === "image-missing")?.file).toBe(gone);
    expect(report.missingFiles).toEqual([gone]);
    const error = await loadDataset("eurosat", { root: tmp.dir }).catch((e: unknown) => e);
    expect(DatasetFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(gone);
    expect((error as DatasetFormatError).hint).toMatch(/Restore the missing files/);
  });

  it("corrupt and truncated images are unreadable (header check); full decode agrees", async () => {
    write(join(ds.imageDir, "River/River_3.jpg"), Buffer.from("this is not a jpeg at all"));
    const good = await jpeg(7);
    write(join(ds.imageDir, "SeaLake/SeaLake_3.jpg"), good.subarray(0, Math.floor(good.length * 0.6)));
    write(join(ds.imageDir, "Pasture/Pasture_3.jpg"), Buffer.alloc(0));
    for (const images of ["header", "full"] as const) {
      const report = await checkDataset("eurosat", tmp.dir, { images });
      expect(report.unreadableFiles.map((f) => f.slice(ds.imageDir.length + 1))).toEqual([
        "Pasture/Pasture_3.jpg",
        "River/River_3.jpg",
        "SeaLake/SeaLake_3.jpg",
      ]);
      expect(codes(report)).toEqual(["image-unreadable"]);
      expect(report.problems.find((p) => p.code === "image-unreadable")?.file).toBe(
        join(ds.imageDir, "Pasture/Pasture_3.jpg"),
      );
    }
  });

  it("labels out of range, class names that differ from CoOp's, and empty classes", async () => {
    const split = structuredClone(ds.split);
    split.test[0] = [split.test[0]?.[0] as string, 12, "Annual Crop Land"];
    split.train[1] = [split.train[1]?.[0] as string, 1, "Forests"];
    split.train = split.train.filter((e) => e[1] !== 3);
    ds.writeSplit(split);
    const report = await checkDataset("eurosat", tmp.dir);
    expect(codes(report)).toEqual(["class-name-mismatch", "empty-class", "label-out-of-range"]);
    const range = report.problems.find((p) => p.code === "label-out-of-range");
    expect(range?.entry).toMatch(/^test\[0\] AnnualCrop\/AnnualCrop_3\.jpg \(label 12/);
    expect(range?.file).toBe(join(ds.datasetDir, "split_zhou_EuroSAT.json"));
    expect(report.problems.find((p) => p.code === "class-name-mismatch")?.message).toContain(
      'expected "Forest"',
    );
    const empty = report.problems.filter((p) => p.code === "empty-class").map((p) => p.entry);
    expect(empty).toEqual(['3 "Highway or Road"', '0 "Annual Crop Land"']); // train lost class 3, test class 0
    await expect(loadDataset("eurosat", { root: tmp.dir })).rejects.toThrow(/label-out-of-range/);
  });

  it("the same image in train and test, by path and by identical bytes", async () => {
    const split = structuredClone(ds.split);
    split.test.push(split.train[0] as (typeof split.test)[number]);
    ds.writeSplit(split);
    copyFileSync(join(ds.imageDir, "Forest/Forest_1.jpg"), join(ds.imageDir, "Forest/Forest_3.jpg"));
    const report = await checkDataset("eurosat", tmp.dir);
    expect(codes(report)).toEqual(["duplicate-image-across-splits", "train-test-overlap"]);
    expect(report.problems.find((p) => p.code === "train-test-overlap")?.entry).toBe(
      "AnnualCrop/AnnualCrop_1.jpg",
    );
    expect(report.problems.find((p) => p.code === "duplicate-image-across-splits")?.entry).toBe(
      "test Forest/Forest_3.jpg = train/val Forest/Forest_1.jpg",
    );
    await expect(loadDataset("eurosat", { root: tmp.dir })).rejects.toThrow(/train-test-overlap/);
  });

  it("a corrupt .gz split file", async () => {
    const path = join(ds.datasetDir, "split_zhou_EuroSAT.json");
    const gz = gzipSync(readFileSync(path));
    const { rmSync } = await import("node:fs");
    rmSync(path);
    writeFileSync(`${path}.gz`, gz.subarray(0, gz.length - 20));
    const report = await checkDataset("eurosat", tmp.dir);
    expect(codes(report)).toEqual(["gzip-corrupt"]);
    expect(report.problems[0]?.file).toBe(`${path}.gz`);
    await expect(readSplitFile(`${path}.gz`)).rejects.toThrow(/gzip-corrupt/);
    writeFileSync(`${path}.gz`, gz);
    expect((await readSplitFile(`${path}.gz`)).test).toHaveLength(10);
  });

  it("invalid JSON is reported with its line and column", async () => {
    const path = join(ds.datasetDir, "split_zhou_EuroSAT.json");
    writeFileSync(path, '{\n  "train": [],\n  "val": [],\n  "test": [["a.jpg", 0, "x"],]\n}');
    const report = await checkDataset("eurosat", tmp.dir);
    const problem = report.problems.find((p) => p.code === "json-invalid");
    expect(problem?.entry).toBe("line 4, column 30");
    expect(problem?.file).toBe(path);
    await expect(loadDataset("eurosat", { root: tmp.dir })).rejects.toThrow(/line 4, column 30/);
  });

  it("reports every problem at once, including bad few-shot lists and malformed entries", async () => {
    const split = structuredClone(ds.split) as unknown as {
      train: unknown[];
      val: unknown[];
      test: unknown[];
    };
    split.train.push(["Forest/nope.jpg", 1, "Forest"], "not an entry");
    split.test.push(["River/River_7.jpg", 99, "River"]);
    ds.writeSplit(split);
    write(join(ds.datasetDir, "split_fewshot", "shot_2-seed_1.json"), "{broken");
    write(join(ds.imageDir, "River/River_2.jpg"), Buffer.from("junk"));
    const report = await checkDataset("eurosat", tmp.dir);
    expect(codes(report)).toEqual([
      "image-missing",
      "image-unreadable",
      "json-invalid",
      "label-out-of-range",
      "split-entry-invalid",
    ]);
    expect(report.counts.fewshotFiles).toBe(2);
  });

  it("many problems of one kind are merged into one that lists every item", async () => {
    const { rmSync } = await import("node:fs");
    rmSync(ds.imageDir, { recursive: true });
    const report = await checkDataset("eurosat", tmp.dir);
    expect(codes(report)).toEqual(["image-dir-missing", "image-missing"]);
    const missing = report.problems.find((p) => p.code === "image-missing");
    expect(missing?.count).toBe(30);
    expect(missing?.items).toHaveLength(30);
    expect(report.missingFiles).toHaveLength(30);
    expect(report.problems.find((p) => p.code === "image-dir-missing")?.fix).toContain(
      "github.com/phelber/EuroSAT",
    );
  });

  it("a CoOp few-shot .pkl that is not a pickle is reported with the opcode and offset", async () => {
    const { rmSync } = await import("node:fs");
    rmSync(join(ds.datasetDir, "split_fewshot", "shot_1-seed_1.json"));
    const pkl = join(ds.datasetDir, "split_fewshot", "shot_1-seed_1.pkl");
    write(pkl, "pickle");
    const error = await loadDataset("eurosat", { root: tmp.dir, shots: 1, seed: 1 }).catch((e: unknown) => e);
    expect(DatasetFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/pickle-invalid/);
    expect((error as Error).message).toContain(
      `${pkl}: unsupported opcode (opcode 0x70 'p' PUT at offset 0)`,
    );
    await expect(loadDataset("eurosat", { root: tmp.dir, shots: 2, seed: 1 })).rejects.toThrow(
      /fewshot-missing/,
    );
    const sampled = await loadDataset("eurosat", {
      root: tmp.dir,
      shots: 1,
      seed: 1,
      fewshotSource: "sample",
    });
    expect(sampled.splits.train).toHaveLength(10);
    const report = await checkDataset("eurosat", tmp.dir);
    expect(report.problems.find((p) => p.code === "pickle-invalid")?.file).toBe(pkl);
    expect(report.ok).toBe(false);
  });
});

/*
 * With `shots`, checkDataset checks the K-shot lists a load would use, with the load's own code:
 * in each case the plain check says "ok" (what it said before), the load rejects the data, and the
 * check with the load's options finds the same problem.
 */
/** A per-dataset collection next to the root (the load's fallback; not a file of the dataset folder). */
function writeCollection(samples: Record<string, unknown>): string {
  const file = join(tmp.dir, "coop_splits", "fewshot", "eurosat.json.gz");
  write(file, gzipSync(JSON.stringify(samples)));
  return file;
}

describe("checkDataset with shots/seed/fewshotSource/fewshotFile", () => {
  it("a missing few-shot list: the load's fewshot-missing, with the load's fix", async () => {
    expect((await checkDataset("eurosat", tmp.dir)).ok).toBe(true);
    await expect(loadDataset("eurosat", { root: tmp.dir, shots: 2 })).rejects.toThrow(/shot_2-seed_1/);
    const report = await checkDataset("eurosat", tmp.dir, { shots: 2 });
    expect(report.ok).toBe(false);
    expect(codes(report)).toEqual(["fewshot-missing"]);
    expect(report.selection).toBeNull();
    // The seeded sample is what --fewshot-source sample would use: no list needed.
    const sampled = await checkDataset("eurosat", tmp.dir, { shots: 1, seed: 2, fewshotSource: "sample" });
    expect(sampled.ok).toBe(true);
    expect(sampled.selection).toMatchObject({ shots: 1, seed: 2, source: "sample", train: 10, test: 10 });
  });

  it("a K-shot list (from the collection near the root) that overlaps the test split", async () => {
    const leaked = ds.split.test[0];
    writeCollection({ "shot_2-seed_1": { train: [...ds.split.train, leaked], val: ds.split.val } });
    expect((await checkDataset("eurosat", tmp.dir)).ok).toBe(true);
    await expect(loadDataset("eurosat", { root: tmp.dir, shots: 2 })).rejects.toThrow(/train-test-overlap/);
    const report = await checkDataset("eurosat", tmp.dir, { shots: 2 });
    expect(codes(report)).toEqual(["train-test-overlap"]);
    expect(report.problems.find((p) => p.code === "train-test-overlap")?.message).toBe(
      `${leaked?.[0]} is in both shot_2-seed_1.train and test`,
    );
  });

  it("a --fewshot-file list naming images that do not exist", async () => {
    const file = join(tmp.dir, "lists", "shot_1-seed_3.json");
    const ghost: [string, number, string] = ["Forest/Forest_99.jpg", 1, "Forest"];
    write(file, JSON.stringify({ train: [...ds.split.train, ghost], val: ds.split.val }));
    await expect(
      loadDataset("eurosat", { root: tmp.dir, shots: 1, seed: 3, fewshotFile: file }),
    ).rejects.toThrow(/Forest_99\.jpg/);
    const report = await checkDataset("eurosat", tmp.dir, { shots: 1, seed: 3, fewshotFile: file });
    expect(report.ok).toBe(false);
    expect(report.missingFiles).toEqual([join(ds.imageDir, "Forest/Forest_99.jpg")]);
    expect(report.selection).toMatchObject({
      shots: 1,
      seed: 3,
      source: "coop",
      fewshotFile: file,
      train: 11,
    });
  });

  it("a problem both the split and the selected list show is reported once", async () => {
    const report = await checkDataset("eurosat", tmp.dir, { shots: 1 });
    expect(report.ok).toBe(true);
    const keys = report.problems.map((p) => JSON.stringify([p.code, p.message, p.file, p.entry]));
    expect(new Set(keys).size).toBe(keys.length);
    expect(report.selection).toMatchObject({ source: "coop", train: 10, val: 10, test: 10 });
  });
});
