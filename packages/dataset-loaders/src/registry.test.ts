import { ConfigError } from "@vlmopt/core";
import { describe, expect, it } from "vitest";
import { DATASETS, getDatasetInfo, listDatasets } from "./registry.js";

describe("registry", () => {
  it("has the paper's 11 datasets with CoOp keys and class counts", () => {
    const counts = Object.fromEntries(DATASETS.map((d) => [d.name, d.classNames.length]));
    expect(counts).toEqual({
      imagenet: 1000,
      caltech101: 100,
      oxford_pets: 37,
      stanford_cars: 196,
      oxford_flowers: 102,
      food101: 101,
      fgvc_aircraft: 100,
      sun397: 397,
      dtd: 47,
      eurosat: 10,
      ucf101: 101,
    });
    expect(listDatasets()).toEqual([...DATASETS, getDatasetInfo("demo")]);
    for (const d of DATASETS) {
      expect(d.description.length).toBeGreaterThan(20);
      expect(d.source).toMatch(/https?:\/\//);
    }
  });

  it("resolves aliases case-insensitively", () => {
    expect(getDatasetInfo("Flowers102").name).toBe("oxford_flowers");
    expect(getDatasetInfo("pets").name).toBe("oxford_pets");
    expect(getDatasetInfo("cars").name).toBe("stanford_cars");
    expect(getDatasetInfo("aircraft").name).toBe("fgvc_aircraft");
    expect(getDatasetInfo("food").name).toBe("food101");
    expect(getDatasetInfo("sun").name).toBe("sun397");
    expect(getDatasetInfo("eurosat").layout).toMatchObject({
      datasetDir: "eurosat",
      imageDir: "2750",
      splitFile: "split_zhou_EuroSAT.json",
    });
  });

  it("throws a ConfigError listing known names for an unknown one", () => {
    try {
      getDatasetInfo("mnist");
      expect.unreachable();
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).message).toContain('"mnist"');
      expect((error as ConfigError).hint).toContain("eurosat");
      expect((error as ConfigError).hint).toContain("folder:<dir>");
    }
  });
});
