import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FAKE_COMMIT, type FakeHub, startFakeHub } from "@vlmopt/clip-embedding/testing";
import { DatasetFormatError } from "@vlmopt/core";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { loadDataset } from "../load-dataset.js";
import { getDatasetInfo } from "../registry.js";
import { HAS_SHARED } from "../shared-data.test-helper.js";
import { EUROSAT_FOLDERS, eurosatParquet, eurosatRows, textParquet } from "./hf-fixtures.test-helper.js";
import { parseHfSpec, splitOfParquetPath } from "./hf-spec.js";

describe("parseHfSpec / splitOfParquetPath", () => {
  it("parses repo, revision and split", () => {
    expect(parseHfSpec("a/b")).toEqual({ repo: "a/b", revision: "main", split: null });
    expect(parseHfSpec("a/b@v1.0:test")).toEqual({ repo: "a/b", revision: "v1.0", split: "test" });
    expect(parseHfSpec("a/b@refs/convert/parquet:train")).toEqual({
      repo: "a/b",
      revision: "refs/convert/parquet",
      split: "train",
    });
    expect(() => parseHfSpec("justaname")).toThrow(/not a Hugging Face dataset spec/);
  });
  it("assigns parquet files to splits as datasets does", () => {
    expect(splitOfParquetPath("data/train-00000-of-00002.parquet")).toBe("train");
    expect(splitOfParquetPath("data/validation-00000-of-00001.parquet")).toBe("validation");
    expect(splitOfParquetPath("default/test/0000.parquet")).toBe("test");
    expect(splitOfParquetPath("eval.parquet")).toBe("test");
    expect(splitOfParquetPath("data/images.parquet")).toBe("train");
  });
});

describe.skipIf(!HAS_SHARED)("hf: source against a local hub stand-in", () => {
  let hub: FakeHub | undefined;
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), "vlmopt-hf-"));
    dirs.push(d);
    return d;
  };
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  const train = eurosatRows("train", 3);
  const test = eurosatRows("test", 2);
  const files = () =>
    new Map<string, Uint8Array>([
      ["README.md", new TextEncoder().encode("---\nlicense: mit\n---\n")],
      ["data/train-00000-of-00001.parquet", eurosatParquet(train)],
      ["data/test-00000-of-00001.parquet", eurosatParquet(test, 5)],
    ]);

  it("loads images, ClassLabel names and the dataset's own splits into the hub cache", async () => {
    hub = await startFakeHub("tester/sat-mini", files(), { repoType: "dataset" });
    const cache = tmp();
    const ds = await loadDataset("hf:tester/sat-mini", {
      root: cache,
      hub: { endpoint: hub.endpoint, hubCacheDir: join(cache, "hub"), token: "hf_test", env: {} },
      hfCacheDir: join(cache, "vlmopt-hf"),
    });
    expect(ds.classNames).toEqual(EUROSAT_FOLDERS);
    expect(ds.splits.train.length).toBe(train.length);
    expect(ds.splits.test.length).toBe(test.length);
    expect(ds.splits.train.map((x) => x.label)).toEqual(train.map((r) => r.label));
    expect(ds.provenance?.splitFile).toMatch(/dataset's own train\/validation\/test splits/);
    // The HF hub cache layout, shared with Python's huggingface_hub.
    const snap = join(cache, "hub", "datasets--tester--sat-mini", "snapshots", FAKE_COMMIT, "data");
    expect(readdirSync(snap).sort()).toEqual(["test-00000-of-00001.parquet", "train-00000-of-00001.parquet"]);
    // Images are the original bytes, decodable.
    const meta = await sharp(ds.splits.test[0]?.path).metadata();
    expect([meta.width, meta.height]).toEqual([64, 64]);
    // HF_TOKEN goes to the hub; the dataset endpoints are used.
    expect(hub.requests.every((r) => r.authorization === "Bearer hf_test")).toBe(true);
    expect(hub.requests.some((r) => r.url.startsWith("/api/datasets/tester/sat-mini/revision/main"))).toBe(
      true,
    );
    // Offline (HF_HUB_OFFLINE=1) with the hub gone: loaded from the cache.
    await hub.close();
    hub = undefined;
    const again = await loadDataset("hf:tester/sat-mini:test", {
      root: cache,
      hub: { hubCacheDir: join(cache, "hub"), env: { HF_HUB_OFFLINE: "1" } },
      hfCacheDir: join(cache, "vlmopt-hf"),
    });
    expect(again.splits.test.length + again.splits.train.length + again.splits.val.length).toBe(test.length);
  });

  it("applies CoOp's split when the dataset is a known one and every image matches", async () => {
    hub = await startFakeHub("tester/eurosat", files(), { repoType: "dataset" });
    const cache = tmp();
    const splits = tmp();
    const names = getDatasetInfo("eurosat").classNames;
    const coopTrain = train.filter((_, i) => i % 3 !== 2).map((r) => [r.rel, r.label, names[r.label]]);
    const coopTest = test.map((r) => [r.rel, r.label, names[r.label]]);
    await writeFile(
      join(splits, "split_zhou_EuroSAT.json"),
      JSON.stringify({ train: coopTrain, val: [], test: coopTest }),
    );
    const opts = {
      root: cache,
      hub: { endpoint: hub.endpoint, hubCacheDir: join(cache, "hub"), env: {} },
      hfCacheDir: join(cache, "vlmopt-hf"),
      splitsDir: splits,
    };
    const ds = await loadDataset("hf:tester/eurosat", opts);
    expect(ds.provenance?.splitFile).toBe(join(splits, "split_zhou_EuroSAT.json"));
    expect(ds.splits.train.length).toBe(20);
    expect(ds.splits.train.map((x) => x.label)).toEqual(coopTrain.map((e) => e[1]));
    expect(ds.classNames[0]).toBe("Annual Crop Land"); // CoOp's names for a CoOp split
    // An image CoOp lists that the dataset lacks: the dataset's own splits, and the report says why.
    coopTest.push(["Forest/Forest_999999.jpg", 1, "Forest"]);
    await writeFile(
      join(splits, "split_zhou_EuroSAT.json"),
      JSON.stringify({ train: coopTrain, val: [], test: coopTest }),
    );
    const own = await loadDataset("hf:tester/eurosat", opts);
    expect(own.provenance?.splitFile).toMatch(
      /own train\/validation\/test splits; 1 of the 41 images of CoOp's/,
    );
    expect(own.splits.train.length).toBe(train.length);
  });

  it("a parquet file with no image column: one clear error, nothing unpacked", async () => {
    hub = await startFakeHub(
      "tester/texts",
      new Map([["data/train-00000-of-00001.parquet", textParquet()]]),
      {
        repoType: "dataset",
      },
    );
    const cache = tmp();
    const err = await loadDataset("hf:tester/texts", {
      root: cache,
      hub: { endpoint: hub.endpoint, hubCacheDir: join(cache, "hub"), env: {} },
      hfCacheDir: join(cache, "vlmopt-hf"),
    }).catch((e: unknown) => e);
    expect(DatasetFormatError.isInstance(err)).toBe(true);
    expect((err as Error).message).toMatch(
      /train-00000-of-00001\.parquet has no image column \(columns: text, label\)/,
    );
    expect(existsSync(join(cache, "vlmopt-hf"))).toBe(false);
  });

  it("an unknown split names the ones there are", async () => {
    hub = await startFakeHub("tester/sat-mini", files(), { repoType: "dataset" });
    const cache = tmp();
    const err = await loadDataset("hf:tester/sat-mini:validation", {
      root: cache,
      hub: { endpoint: hub.endpoint, hubCacheDir: join(cache, "hub"), env: {} },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/no parquet files of split "validation" \(splits: test, train\)/);
  });
});
