import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { checkDataset } from "./check-dataset.js";
import { loadDataset } from "./load-dataset.js";
import { DEMO_DIR, getDatasetInfo, listDatasets } from "./registry.js";
import { DATASETS_ROOT, HAS_SHARED } from "./shared-data.test-helper.js";

const NO_ROOT = "/nonexistent-data-root";

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe("the embedded demo dataset", () => {
  it("loads without a data root: all 10 EuroSAT classes, 30 train, 30 val, a class-balanced 300-image test split", async () => {
    const ds = await loadDataset("demo", { root: NO_ROOT });
    expect(ds.name).toBe("demo");
    expect(ds.classNames).toEqual(getDatasetInfo("eurosat").classNames);
    expect(ds.splits.train).toHaveLength(30);
    expect(ds.splits.val).toHaveLength(30);
    expect(ds.splits.test).toHaveLength(300);
    const perClass = new Map<number, number>();
    for (const i of ds.splits.test) perClass.set(i.label, (perClass.get(i.label) ?? 0) + 1);
    expect([...perClass.entries()].sort((a, b) => a[0] - b[0])).toEqual(
      Array.from({ length: 10 }, (_, l) => [l, 30]),
    );
    const trainVal = new Set([...ds.splits.train, ...ds.splits.val].map((i) => i.path));
    expect(ds.splits.test.filter((i) => trainVal.has(i.path))).toEqual([]);
    expect(ds.provenance?.root).toBe(DEMO_DIR);
    expect(listDatasets().map((d) => d.name)).toContain("demo");
    expect(getDatasetInfo("eurosat-demo").name).toBe("demo");
  });

  it("--shots 1 --seed S uses CoOp's shot_1-seed_S lists shipped with it", async () => {
    for (const seed of [1, 2, 3]) {
      const ds = await loadDataset("demo", { root: NO_ROOT, shots: 1, seed });
      expect(ds.splits.train).toHaveLength(10);
      expect(ds.splits.val).toHaveLength(10);
      expect(ds.splits.test).toHaveLength(300);
      expect(ds.provenance?.fewshotFile).toBe(join(DEMO_DIR, "split_fewshot", `shot_1-seed_${seed}.json`));
    }
  });

  it("passes datasets check (every image decoded) and is original 64x64 JPEGs under 2 MB with a SOURCE note", async () => {
    const report = await checkDataset("demo", NO_ROOT, { images: "full" });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.counts).toMatchObject({ classes: 10, train: 30, val: 30, test: 300, imagesChecked: 360 });
    const files = filesUnder(DEMO_DIR);
    const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
    const images = files.filter((f) => f.endsWith(".jpg"));
    expect(images).toHaveLength(360);
    for (const f of images) {
      const meta = await sharp(f).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 64, 64]);
    }
    const source = readFileSync(join(DEMO_DIR, "SOURCE.md"), "utf8");
    expect(source).toContain("Helber");
    expect(source).toContain("MIT");
    expect(source).toContain("KaiyangZhou/CoOp");
  });
});

describe.skipIf(!HAS_SHARED)("the demo against the shared EuroSAT", () => {
  const out = mkdtempSync(join(tmpdir(), "vlmopt-demo-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("scripts/build-demo.mjs rebuilds it byte for byte from ../shared, and its images are the shared originals", async () => {
    const script = join(DEMO_DIR, "../scripts/build-demo.mjs");
    execFileSync(process.execPath, [script, join(DATASETS_ROOT, "eurosat"), join(out, "demo")]);
    const committed = filesUnder(DEMO_DIR)
      .map((f) => relative(DEMO_DIR, f))
      .sort();
    const rebuilt = filesUnder(join(out, "demo"))
      .map((f) => relative(join(out, "demo"), f))
      .sort();
    expect(rebuilt).toEqual(committed);
    for (const f of committed) {
      expect(readFileSync(join(out, "demo", f)).equals(readFileSync(join(DEMO_DIR, f))), f).toBe(true);
    }
    for (const f of committed.filter((p) => p.startsWith("images/"))) {
      expect(readFileSync(join(DEMO_DIR, f)).equals(readFileSync(join(DATASETS_ROOT, "eurosat", f))), f).toBe(
        true,
      );
    }
    const shared = await loadDataset("eurosat", { root: DATASETS_ROOT, shots: 1, seed: 2 });
    const demo = await loadDataset("demo", { root: NO_ROOT, shots: 1, seed: 2 });
    const rel = (paths: readonly { path: string; label: number }[], dir: string) =>
      paths.map((i) => [relative(dir, i.path), i.label]);
    expect(rel(demo.splits.train, join(DEMO_DIR, "images"))).toEqual(
      rel(shared.splits.train, join(DATASETS_ROOT, "eurosat/images")),
    );
  });
});
