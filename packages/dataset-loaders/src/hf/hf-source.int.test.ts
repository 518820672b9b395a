/**
 * The real thing, on a machine with internet (`pnpm test:int`, VLMOPT_INT=1): reads the test split of
 * `uoft-cs/cifar10` (one ~24 MB parquet file, 10,000 32×32 images; its Image column is "img" and its
 * ClassLabel "label") from the Hugging Face hub into a temporary HF hub cache, and checks the class
 * names come from the ClassLabel feature.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadDataset } from "../load-dataset.js";

const dir = mkdtempSync(join(tmpdir(), "vlmopt-hf-int-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(process.env.VLMOPT_INT !== "1")("hf: a real hub dataset (internet)", () => {
  it("loads hf:uoft-cs/cifar10:test with its ClassLabel names", { timeout: 600_000 }, async () => {
    const ds = await loadDataset("hf:uoft-cs/cifar10:test", {
      root: dir,
      hub: { hubCacheDir: join(dir, "hub") },
      hfCacheDir: join(dir, "unpacked"),
    });
    expect(ds.classNames).toHaveLength(10);
    expect(ds.classNames).toContain("airplane");
    expect(ds.splits.train.length + ds.splits.val.length + ds.splits.test.length).toBe(10_000);
    expect(ds.provenance?.splitFile).toMatch(/seeded 50\/20\/30 split per class/);
  });
});
