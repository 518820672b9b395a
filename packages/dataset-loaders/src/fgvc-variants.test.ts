import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkDataset } from "./check-dataset.js";
import { jpeg, tempDir, write } from "./fixtures.test-helper.js";
import { loadDataset } from "./load-dataset.js";

let tmp: { dir: string; cleanup: () => void };
beforeEach(async () => {
  tmp = tempDir();
  const d = join(tmp.dir, "fgvc_aircraft");
  write(join(d, "variants.txt"), "707-320\n727-200\nCessna 172\n");
  write(join(d, "images_variant_train.txt"), "0000001 707-320\n0000002 727-200\n0000003 Cessna 172\n");
  write(join(d, "images_variant_val.txt"), "");
  write(join(d, "images_variant_test.txt"), "0000004 707-320\n0000005 Cessna 172\n0000006 Boeing 999\n");
  for (let i = 1; i <= 5; i++) write(join(d, "images", `000000${i}.jpg`), await jpeg(i * 40));
});
afterEach(() => tmp.cleanup());

describe("FGVC-Aircraft variant lists (CoOp has no split file for it)", () => {
  it("reads labels in variants.txt order and reports unknown variants", async () => {
    const report = await checkDataset("aircraft", tmp.dir, { images: "exists" });
    expect(report.layout).toBe("fgvc-variants");
    expect(report.counts).toMatchObject({ train: 3, test: 2 });
    const unknown = report.problems.find((p) => p.code === "label-unknown");
    expect(unknown?.entry).toBe('line 3: "0000006 Boeing 999"');
    // The registry has CoOp's 100 variants; this 3-variant file disagrees with it at label 2.
    expect(report.problems.some((p) => p.code === "class-name-mismatch")).toBe(true);
    await expect(loadDataset("fgvc_aircraft", { root: tmp.dir })).rejects.toThrow(/label-unknown/);
  });
});
