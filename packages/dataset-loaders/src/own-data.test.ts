import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, DatasetFormatError } from "@vlmopt/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkDataset } from "./check-dataset.js";
import { jpeg, tempDir, write } from "./fixtures.test-helper.js";
import { loadDataset, loadImageFolder, loadManifest } from "./load-dataset.js";

let tmp: { dir: string; cleanup: () => void };
beforeEach(async () => {
  tmp = tempDir();
  for (const [c, cls] of ["cat", "dog", "owl"].entries()) {
    for (let i = 0; i < 10; i++)
      write(join(tmp.dir, "photos", cls, `${cls}_${i}.jpg`), await jpeg(c * 80, i * 20));
  }
});
afterEach(() => tmp.cleanup());

describe("loadImageFolder", () => {
  it("uses sorted sub-folder names as classes and a seeded 50/20/30 split", async () => {
    const ds = await loadImageFolder(join(tmp.dir, "photos"));
    expect(ds.classNames).toEqual(["cat", "dog", "owl"]);
    expect([ds.splits.train.length, ds.splits.val.length, ds.splits.test.length]).toEqual([15, 6, 9]);
    expect(await loadImageFolder(join(tmp.dir, "photos"))).toEqual(ds);
    const other = await loadImageFolder(join(tmp.dir, "photos"), { splitSeed: 2 });
    expect(other.provenance?.splitHash).not.toBe(ds.provenance?.splitHash);
  });

  it("K-shot: K train and min(K,4) val per class; the test split stays fixed across seeds", async () => {
    const a = await loadImageFolder(join(tmp.dir, "photos"), { shots: 2, seed: 1 });
    const b = await loadImageFolder(join(tmp.dir, "photos"), { shots: 2, seed: 2 });
    expect(a.splits.train).toHaveLength(6);
    expect(a.splits.val).toHaveLength(6);
    expect(a.splits.test).toEqual(b.splits.test);
    expect(a.splits.train).not.toEqual(b.splits.train);
    expect(a.provenance).toMatchObject({ shots: 2, seed: 1 });
  });

  it("uses train/val/test sub-folders when present", async () => {
    for (const split of ["train", "test"]) {
      for (const cls of ["a", "b"])
        write(join(tmp.dir, "pre", split, cls, `${split}.png`), await jpeg(split.length * 30 + cls.length));
    }
    const ds = await loadImageFolder(join(tmp.dir, "pre"));
    expect(ds.classNames).toEqual(["a", "b"]);
    expect(ds.splits.train.map((i) => i.path)).toEqual([
      join(tmp.dir, "pre/train/a/train.png"),
      join(tmp.dir, "pre/train/b/train.png"),
    ]);
    expect(ds.splits.test).toHaveLength(2);
  });

  it("an empty class folder fails the load and is reported by the checker", async () => {
    mkdirSync(join(tmp.dir, "photos", "zebra"));
    await expect(loadImageFolder(join(tmp.dir, "photos"))).rejects.toThrow(/empty-class.*zebra/s);
    const report = await checkDataset(`folder:${join(tmp.dir, "photos")}`, tmp.dir);
    expect(report.ok).toBe(false);
    expect(report.problems.filter((p) => p.code === "empty-class").map((p) => p.entry)).toContain(
      '3 "zebra"',
    );
  });

  it("loadDataset accepts folder:<dir> and detects a plain folder path", async () => {
    const a = await loadDataset(`folder:${join(tmp.dir, "photos")}`, { root: tmp.dir, shots: 1 });
    const b = await loadDataset(join(tmp.dir, "photos"), { root: tmp.dir, shots: 1 });
    expect(a.splits.train).toHaveLength(3);
    expect(b).toEqual(a);
    await expect(loadDataset("no-such-dataset", { root: tmp.dir })).rejects.toThrow(ConfigError);
  });
});

describe("loadManifest", () => {
  it("reads CSV with class names, quoted fields and paths relative to the manifest", async () => {
    const rows = ["path,label"];
    for (const cls of ["cat", "dog"])
      for (let i = 0; i < 10; i++) rows.push(`"photos/${cls}/${cls}_${i}.jpg",${cls}`);
    write(join(tmp.dir, "data.csv"), rows.join("\n"));
    const ds = await loadManifest(join(tmp.dir, "data.csv"), { shots: 1, seed: 3 });
    expect(ds.classNames).toEqual(["cat", "dog"]);
    expect(ds.name).toBe("data");
    expect(ds.splits.train).toHaveLength(2);
    expect(ds.splits.train[0]?.path.startsWith(join(tmp.dir, "photos/cat/"))).toBe(true);
    expect(
      await loadDataset(`manifest:${join(tmp.dir, "data.csv")}`, { root: tmp.dir, shots: 1, seed: 3 }),
    ).toEqual(ds);
  });

  it("names the file and line of CSV it cannot read (an unclosed quote)", async () => {
    write(join(tmp.dir, "bad.csv"), 'path,label\nphotos/cat/cat_0.jpg,cat\n"photos/dog/dog_0.jpg,dog\n');
    await expect(loadManifest(join(tmp.dir, "bad.csv"))).rejects.toThrow(DatasetFormatError);
    await expect(loadManifest(join(tmp.dir, "bad.csv"))).rejects.toThrow(
      /bad\.csv is not valid CSV at line 3: Quote Not Closed/,
    );
  });

  it("reads JSONL with index labels (classnames.txt) and a split column", async () => {
    write(join(tmp.dir, "classnames.txt"), "cat\ndog\n");
    const lines = [
      { path: "photos/cat/cat_0.jpg", label: 0, split: "train" },
      { path: "photos/dog/dog_0.jpg", label: "1", split: "train" },
      { path: "photos/cat/cat_1.jpg", label: "cat", split: "test" },
      { path: "photos/dog/dog_1.jpg", label: 1, split: "test" },
    ];
    write(join(tmp.dir, "m.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n"));
    const ds = await loadManifest(join(tmp.dir, "m.jsonl"));
    expect(ds.classNames).toEqual(["cat", "dog"]);
    expect(ds.splits.train.map((i) => i.label)).toEqual([0, 1]);
    expect(ds.splits.test.map((i) => i.label)).toEqual([0, 1]);
    expect(ds.splits.val).toEqual([]);
  });

  it("reports bad rows, unknown labels, out-of-range indices and missing files together", async () => {
    write(join(tmp.dir, "classnames.txt"), "cat\ndog\n");
    write(
      join(tmp.dir, "bad.jsonl"),
      [
        '{"path": "photos/cat/cat_0.jpg", "label": "cat"}',
        '{"path": "photos/cat/cat_1.jpg", "label": "cta"}',
        '{"path": "photos/dog/dog_0.jpg", "label": 5}',
        '{"path": "photos/dog/missing.jpg", "label": "dog"}',
        '{"path": "photos/dog/dog_1.jpg" "label": "dog"}',
      ].join("\n"),
    );
    const report = await checkDataset(`manifest:${join(tmp.dir, "bad.jsonl")}`, tmp.dir, {
      images: "exists",
    });
    const codes = new Set(report.problems.filter((p) => p.severity === "error").map((p) => p.code));
    expect([...codes].sort()).toEqual([
      "image-missing",
      "json-invalid",
      "label-out-of-range",
      "label-unknown",
    ]);
    expect(report.problems.find((p) => p.code === "json-invalid")?.entry).toMatch(/^line 5, column 33/);
    expect(report.problems.find((p) => p.code === "label-unknown")?.entry).toBe('line 2: "cta"');
    const error = await loadManifest(join(tmp.dir, "bad.jsonl")).catch((e: unknown) => e);
    expect(DatasetFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/label-unknown/);
  });
});

describe("checkDataset on an image folder", () => {
  it("reports where the folder is, its class names and the non-image files it skipped", async () => {
    const photos = join(tmp.dir, "photos");
    write(join(photos, "notes.txt"), "not an image");
    write(join(photos, "cat", "labels.csv"), "path,label");
    write(join(photos, "dog", ".DS_Store"), "hidden");
    const report = await checkDataset(`folder:${photos}`, tmp.dir);
    expect(report.ok).toBe(true);
    expect(report.datasetDir).toBe(photos);
    expect(report.classNames).toEqual(["cat", "dog", "owl"]);
    expect(report.skippedFiles).toEqual(["cat/labels.csv", "notes.txt"]);
    const skipped = report.problems.filter((p) => p.code === "non-image-skipped");
    expect(skipped.map((p) => [p.severity, p.entry])).toEqual([
      ["warning", "cat/labels.csv"],
      ["warning", "notes.txt"],
    ]);
  });

  it("an empty class folder's fix says to remove the empty folder", async () => {
    mkdirSync(join(tmp.dir, "photos", "zebra"));
    const report = await checkDataset(`folder:${join(tmp.dir, "photos")}`, tmp.dir);
    const empty = report.problems.filter((p) => p.code === "empty-class" && p.severity === "error");
    expect(empty.length).toBeGreaterThan(0);
    for (const p of empty) expect(p.fix).toMatch(/remove the empty folder/);
    const error = await loadImageFolder(join(tmp.dir, "photos")).catch((e: unknown) => e);
    expect((error as DatasetFormatError).hint).toMatch(/remove the empty folder/);
  });
});
