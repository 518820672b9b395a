import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { hfDatasets } from "./plugins/hf.js";
import { wdsDatasets } from "./plugins/wds.js";
import { datasetSourcePlugins } from "./plugins.js";

describe("dataset-source entries", () => {
  it("hf: owns its prefix; wds:<owner>/<name> is the hub only when no such folder exists", () => {
    expect(datasetSourcePlugins).toContain(hfDatasets);
    expect(hfDatasets.prefixes).toEqual(["hf"]);
    expect(hfDatasets.parse("a/b@v1:test", "hf", "hf:a/b@v1:test")).toMatchObject({
      kind: "hf",
      rest: "a/b@v1:test",
    });
    expect(
      wdsDatasets.parse("clip-benchmark/wds_eurosat", "wds", "wds:clip-benchmark/wds_eurosat"),
    ).toMatchObject({ kind: "wds-hub", rest: "clip-benchmark/wds_eurosat" });
    expect(wdsDatasets.parse(tmpdir(), "wds", `wds:${tmpdir()}`)).toMatchObject({
      kind: "wds",
      path: tmpdir(),
    });
  });
  it("a bad hf: spec is one ConfigError at load", async () => {
    const parsed = hfDatasets.parse("nonsense", "hf", "hf:nonsense");
    await expect(hfDatasets.load(parsed, { root: "." })).rejects.toThrow(/not a Hugging Face dataset spec/);
  });
});
