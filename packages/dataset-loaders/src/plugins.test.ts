import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { datasetSourcePlugins, hfDatasetSource, wdsHubDatasetSource } from "./plugins.js";

describe("dataset-source entries", () => {
  it("hf: owns its prefix; wds:<owner>/<name> is the hub only when no such folder exists", () => {
    expect(datasetSourcePlugins).toHaveLength(2);
    expect(hfDatasetSource.prefixes).toEqual(["hf"]);
    expect(hfDatasetSource.parse("a/b@v1:test", "hf", "hf:a/b@v1:test")).toBe("a/b@v1:test");
    expect(wdsHubDatasetSource.matches?.("wds:clip-benchmark/wds_eurosat")).toBe(true);
    expect(wdsHubDatasetSource.matches?.(`wds:${tmpdir()}`)).toBe(false);
    expect(wdsHubDatasetSource.matches?.("hf:a/b")).toBe(false);
  });
  it("a bad hf: spec is one ConfigError at load", async () => {
    await expect(hfDatasetSource.load("nonsense", { root: "." })).rejects.toThrow(
      /not a Hugging Face dataset spec/,
    );
  });
});
