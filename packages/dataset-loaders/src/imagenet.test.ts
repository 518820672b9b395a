import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DatasetFormatError } from "@vlmopt/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkDataset } from "./check-dataset.js";
import { IMAGENET_CLASS_NAMES } from "./data/imagenet-class-names.js";
import { IMAGENET_WNIDS } from "./data/imagenet-wnids.js";
import { tempDir, write } from "./fixtures.test-helper.js";
import { fakeImageNet, tinyJpeg } from "./imagenet-fixtures.test-helper.js";
import { loadDataset } from "./load-dataset.js";
import type { CheckReport } from "./types.js";

const codes = (r: CheckReport, severity = "error") =>
  [...new Set(r.problems.filter((p) => p.severity === severity).map((p) => p.code))].sort();

// Four classes by their CoOp labels (0, 1, 500, 999), in the registry's (sorted) order.
const PICK = [0, 1, 500, 999];
const WNIDS = PICK.map((i) => IMAGENET_WNIDS[i] as string);
const NAMES = PICK.map((i) => IMAGENET_CLASS_NAMES[i] as string);

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe("CoOp's ImageNet layout (imagenet/images/{train,val}/<wnid>/, classnames.txt)", () => {
  it("K-shot: train from the few-shot list, test = all of images/val, labels by classnames.txt", async () => {
    const inet = await fakeImageNet(tmp.dir, WNIDS, { classNames: NAMES });
    const fewshot = join(inet.datasetDir, "split_fewshot", "shot_1-seed_1.json");
    const listed = WNIDS.map((w, label) => [`train/${w}/${w}_2.JPEG`, label, NAMES[label]]);
    write(fewshot, JSON.stringify({ train: listed, val: [] }));
    const ds = await loadDataset("imagenet", { root: tmp.dir, shots: 1, seed: 1 });
    expect(ds.name).toBe("imagenet");
    expect(ds.classNames).toEqual(NAMES);
    expect(ds.splits.train).toEqual(
      WNIDS.map((w, label) => ({ path: join(inet.imageDir, `train/${w}/${w}_2.JPEG`), label })),
    );
    expect(ds.splits.val).toEqual([]);
    expect(ds.splits.test.map((i) => i.path)).toEqual(inet.test.map((p) => join(inet.imageDir, p)));
    expect(ds.splits.test.map((i) => i.label)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(ds.provenance).toMatchObject({ root: inet.datasetDir, shots: 1, seed: 1, fewshotFile: fewshot });
    expect(ds.provenance?.splitFile).toBeUndefined();

    // The full splits: train listed from images/train (3 per class), no val (CoOp has none).
    const full = await loadDataset("imagenet", { root: inet.datasetDir });
    expect(full.splits.train.map((i) => i.path)).toEqual(inet.train.map((p) => join(inet.imageDir, p)));
    expect(full.splits.train.map((i) => i.label)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
    expect(full.splits.test).toHaveLength(8);
    expect(full.provenance?.fewshotFile).toBeUndefined();

    const report = await checkDataset("imagenet", tmp.dir, { images: "header" });
    expect(codes(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.layout).toBe("coop-imagenet");
    expect(report.imageDir).toBe(inet.imageDir);
    expect(report.counts).toMatchObject({ classes: 4, train: 12, val: 0, test: 8, fewshotFiles: 1 });
    expect(codes(report, "warning")).toEqual(["class-count-mismatch", "count-mismatch"]);
  });

  it("without classnames.txt labels follow the registry's 1,000 wnids, and missing/extra folders are listed", async () => {
    const inet = await fakeImageNet(tmp.dir, WNIDS);
    mkdirSync(join(inet.imageDir, "val", "n99999999"));
    mkdirSync(join(inet.imageDir, "val", "misc"));
    const report = await checkDataset("imagenet", tmp.dir, { images: "exists" });
    expect(report.ok).toBe(false);
    expect(report.counts).toMatchObject({ classes: 1000, test: 8, train: 12 });
    const missing = report.problems.filter((p) => p.code === "wnid-folder-missing");
    // One merged problem for images/val (error) and one for images/train (warning), each listing all 996.
    expect(missing.map((p) => [p.severity, p.count])).toEqual([
      ["error", 996],
      ["warning", 996],
    ]);
    expect(missing[0]?.message).toContain(
      `996 of 1000 wnid folders are missing in ${join(inet.imageDir, "val")}`,
    );
    expect(missing[0]?.items).toContain(join(inet.imageDir, "val", IMAGENET_WNIDS[2] as string));
    expect(missing[0]?.items).not.toContain(join(inet.imageDir, "val", WNIDS[2] as string));
    const extra = report.problems.filter((p) => p.code === "wnid-folder-extra");
    expect(extra.map((p) => [p.severity, p.file])).toEqual([
      ["warning", join(inet.imageDir, "val", "misc")],
      ["warning", join(inet.imageDir, "val", "n99999999")],
    ]);
    const error = await loadDataset("imagenet", { root: tmp.dir }).catch((e: unknown) => e);
    expect(DatasetFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/wnid-folder-missing.*996 of 1000 wnid folders are missing/);
  });

  it("labels follow the registry order: a class's images get its CoOp label", async () => {
    // All 1,000 val folders (1 image each), no classnames.txt: label i is IMAGENET_WNIDS[i].
    await fakeImageNet(tmp.dir, IMAGENET_WNIDS, { val: 1, train: 0, sameBytes: true });
    const ds = await loadDataset("imagenet", { root: join(tmp.dir, "imagenet"), fewshotSource: "sample" });
    expect(ds.classNames).toEqual(IMAGENET_CLASS_NAMES);
    expect(ds.splits.test).toHaveLength(1000);
    expect(ds.splits.test[500]).toEqual({
      path: join(
        tmp.dir,
        "imagenet/images/val",
        IMAGENET_WNIDS[500] as string,
        `${IMAGENET_WNIDS[500]}_val_1.JPEG`,
      ),
      label: 500,
    });
    expect(ds.splits.train).toEqual([]);
  });

  it("reports a flat images/val (ILSVRC's download) and a missing val folder clearly", async () => {
    const img = await tinyJpeg();
    const dir = join(tmp.dir, "imagenet", "images");
    for (let i = 1; i <= 3; i++) write(join(dir, "val", `ILSVRC2012_val_0000000${i}.JPEG`), img);
    const flat = await checkDataset("imagenet", tmp.dir);
    expect(codes(flat)).toEqual(["imagenet-flat-folder"]);
    expect(flat.problems[0]?.message).toContain(
      `${join(dir, "val")} holds 3 images directly, not in wnid folders`,
    );
    rmSync(join(dir, "val"), { recursive: true });
    write(join(dir, "train", WNIDS[0] as string, "a.JPEG"), img);
    const noVal = await checkDataset("imagenet", tmp.dir);
    expect(codes(noVal)).toEqual(["image-dir-missing"]);
    expect(noVal.problems[0]?.file).toBe(join(dir, "val"));
    expect(noVal.problems[0]?.fix).toContain("image-net.org");
  });

  it("checks classnames.txt: bad lines, unknown or repeated wnids are errors, other names a warning", async () => {
    const inet = await fakeImageNet(tmp.dir, WNIDS.slice(0, 2));
    write(
      join(inet.datasetDir, "classnames.txt"),
      `${WNIDS[0]} tench fish\n${WNIDS[1]} goldfish\njust a name\nn00000001 nothing\n${WNIDS[1]} again\n`,
    );
    const report = await checkDataset("imagenet", tmp.dir, { images: "exists" });
    // n00000001 has no folder either (so its test class is empty).
    expect(codes(report)).toEqual([
      "classnames-line-invalid",
      "empty-class",
      "wnid-duplicate",
      "wnid-folder-missing",
      "wnid-unknown",
    ]);
    const find = (code: string) => report.problems.find((p) => p.code === code);
    expect(find("classnames-line-invalid")?.entry).toBe('line 3: "just a name"');
    expect(find("wnid-duplicate")?.entry).toBe(`line 5: ${WNIDS[1]}`);
    expect(find("wnid-unknown")?.entry).toBe("n00000001");
    expect(find("class-name-mismatch")?.severity).toBe("warning");
    expect(find("class-name-mismatch")?.entry).toBe(`${WNIDS[0]} "tench fish" (CoOp: "tench")`);
  });

  it("takes the K-shot list from CoOp's .pkl (ImageNet pickles hold only train)", async () => {
    const wnids = IMAGENET_WNIDS.slice(0, 2);
    const inet = await fakeImageNet(tmp.dir, wnids, {
      classNames: IMAGENET_CLASS_NAMES.slice(0, 2),
      train: 0,
    });
    const img = await tinyJpeg();
    const inPickle = ["train/n01440764/n01440764_10026.JPEG", "train/n01443537/n01443537_10007.JPEG"];
    for (const rel of inPickle) write(join(inet.imageDir, rel), img);
    const pkl = join(inet.datasetDir, "split_fewshot", "shot_1-seed_1.pkl");
    mkdirSync(dirname(pkl), { recursive: true });
    const fixtures = join(dirname(fileURLToPath(import.meta.url)), "fixtures");
    copyFileSync(join(fixtures, "imagenet-shot_1-seed_1.p5.pkl"), pkl);
    const ds = await loadDataset("imagenet", { root: tmp.dir, shots: 1, seed: 1 });
    expect(ds.splits.train).toEqual(inPickle.map((p, label) => ({ path: join(inet.imageDir, p), label })));
    expect(ds.splits.val).toEqual([]);
    expect(ds.provenance?.fewshotFile).toBe(pkl);
    rmSync(join(inet.imageDir, inPickle[1] as string));
    await expect(loadDataset("imagenet", { root: tmp.dir, shots: 1, seed: 1 })).rejects.toThrow(
      /image-missing.*n01443537_10007\.JPEG/,
    );
  });
});
