/**
 * `checkDataset` with `shots` checks the K-shot lists a load would use, with the load's own code:
 * for each case the plain check says "ok" (what it said before), the load rejects the data, and
 * the check with the load's options finds the same problem.
 */
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkDataset } from "./check-dataset.js";
import { type MiniEuroSat, miniEuroSat, tempDir, write } from "./fixtures.test-helper.js";
import { loadDataset } from "./load-dataset.js";

let tmp: { dir: string; cleanup: () => void };
let ds: MiniEuroSat;
beforeEach(async () => {
  tmp = tempDir();
  ds = await miniEuroSat(tmp.dir);
});
afterEach(() => tmp.cleanup());

const errorCodes = (r: { problems: { severity: string; code: string }[] }) =>
  [...new Set(r.problems.filter((p) => p.severity === "error").map((p) => p.code))].sort();

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
    expect(errorCodes(report)).toEqual(["fewshot-missing"]);
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
    expect(errorCodes(report)).toEqual(["train-test-overlap"]);
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
