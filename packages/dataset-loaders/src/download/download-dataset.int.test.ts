/**
 * The real thing, on a machine with internet (`pnpm test:int`, VLMOPT_INT=1): downloads EuroSAT
 * (the smallest of the paper's datasets, 94 MB) from the Hugging Face copy torchvision uses,
 * verifies torchvision's md5, unpacks it in CoOp's layout and checks it with CoOp's split file,
 * taken from VLMOPT_COOP_SPLITS or else ../shared/datasets/coop_splits (vlmopt does not ship it).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadDataset } from "../load-dataset.js";
import { DATASETS_ROOT } from "../shared-data.test-helper.js";
import { downloadDataset } from "./download-dataset.js";

const splitsDir = process.env.VLMOPT_COOP_SPLITS ?? join(DATASETS_ROOT, "coop_splits");
const root = mkdtempSync(join(tmpdir(), "vlmopt-download-int-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(process.env.VLMOPT_INT !== "1")("datasets download eurosat (internet)", () => {
  it("downloads the real EuroSAT, and CoOp's 1-shot seed 1 split loads from it", {
    timeout: 900_000,
  }, async () => {
    const report = await downloadDataset("eurosat", {
      root,
      splitsDir,
      check: { images: "exists" },
    });
    expect(report.status).toBe("downloaded");
    expect(report.check?.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(report.check?.counts).toMatchObject({ classes: 10, train: 13_500, val: 5400, test: 8100 });
    const ds = await loadDataset("eurosat", { root, shots: 1, seed: 1 });
    expect([ds.splits.train.length, ds.splits.val.length, ds.splits.test.length]).toEqual([10, 10, 8100]);
  });
});
