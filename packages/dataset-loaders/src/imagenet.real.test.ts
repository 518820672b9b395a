import { readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkDataset } from "./check-dataset.js";
import { tempDir, write } from "./fixtures.test-helper.js";
import { fakeImageNet, tinyJpeg } from "./imagenet-fixtures.test-helper.js";
import { loadDataset } from "./load-dataset.js";
import { getDatasetInfo } from "./registry.js";
import { DATASETS_ROOT, HAS_SHARED } from "./shared-data.test-helper.js";
import type { CoopEntry } from "./types.js";

const lines = (file: string) => readFileSync(file, "utf8").split("\n").filter(Boolean);

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe.skipIf(!HAS_SHARED)("CoOp's ImageNet layout with the shared real ImageNet metadata", () => {
  const sample = join(DATASETS_ROOT, "imagenet_sample");

  it("the registry's wnids and names are the shared sample's wnids.txt and classnames.txt", () => {
    const info = getDatasetInfo("imagenet");
    expect(info.wnids).toEqual(lines(join(sample, "wnids.txt")));
    expect(info.classNames).toEqual(lines(join(sample, "classnames.txt")));
  });

  it("a fake CoOp tree of a handful of real wnids loads with their CoOp names and labels in classnames.txt order", async () => {
    const wnids = lines(join(sample, "wnids.txt"));
    const names = lines(join(sample, "classnames.txt"));
    const pick = [3, 141, 592, 888, 997];
    const inet = await fakeImageNet(
      tmp.dir,
      pick.map((i) => wnids[i] as string),
      { classNames: pick.map((i) => names[i] as string), val: 2, train: 2 },
    );
    const ds = await loadDataset("imagenet", { root: tmp.dir });
    expect(ds.classNames).toEqual(pick.map((i) => names[i]));
    expect(ds.splits.test).toHaveLength(10);
    expect(ds.splits.train).toHaveLength(10);
    expect(ds.splits.test[9]).toEqual({
      path: join(inet.imageDir, "val", wnids[997] as string, `${wnids[997]}_val_2.JPEG`),
      label: 4,
    });
    // The shared split.json sample still loads as before, next to it.
    const shared = await loadDataset("imagenet", { root: sample });
    expect(shared.splits.test).toHaveLength(1000);
  });

  it("CoOp's ImageNet few-shot collection gives train on a full fake tree; provenance names file#sample", async () => {
    const file = join(DATASETS_ROOT, "coop_splits/fewshot/imagenet.json.gz");
    const collection = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as Record<
      string,
      { train: CoopEntry[]; val: CoopEntry[] }
    >;
    const info = getDatasetInfo("imagenet");
    const inet = await fakeImageNet(tmp.dir, info.wnids ?? [], { val: 1, train: 0, sameBytes: true });
    const img = await tinyJpeg();
    const listed = new Set(Object.values(collection).flatMap((s) => [...s.train, ...s.val].map(([p]) => p)));
    for (const rel of listed) write(join(inet.imageDir, rel), img);

    const ds = await loadDataset("imagenet", { root: tmp.dir, shots: 1, seed: 2, fewshotFile: file });
    const want = collection["shot_1-seed_2"];
    expect(ds.splits.train).toHaveLength(1000);
    expect(ds.splits.train).toEqual(
      want?.train.map(([p, label]) => ({ path: join(inet.imageDir, p), label })),
    );
    expect(ds.splits.val).toHaveLength(1000);
    expect(ds.splits.test).toHaveLength(1000);
    expect(ds.provenance?.fewshotFile).toBe(`${file}#shot_1-seed_2`);

    // Found on its own when the data root has coop_splits/fewshot/imagenet.json.gz.
    symlinkSync(join(DATASETS_ROOT, "coop_splits"), join(tmp.dir, "coop_splits"));
    const auto = await loadDataset("imagenet", { root: tmp.dir, shots: 1, seed: 1 });
    expect(auto.splits.train.map((i) => i.path)).toEqual(
      collection["shot_1-seed_1"]?.train.map(([p]) => join(inet.imageDir, p)),
    );
    expect(auto.provenance?.fewshotFile).toBe(
      join(tmp.dir, "coop_splits/fewshot/imagenet.json.gz#shot_1-seed_1"),
    );

    const report = await checkDataset("imagenet", tmp.dir, { images: "exists", fewshotFile: file });
    expect(report.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(report.counts).toMatchObject({ classes: 1000, test: 1000, fewshotFiles: 1 });
    // The checker counts images/train (every image of the three 1-shot samples) without listing it.
    expect(report.counts.train).toBe(listed.size);
  });
});
