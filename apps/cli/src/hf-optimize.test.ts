import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { type FakeHub, startFakeHub } from "@vlmopt/clip-embedding/testing";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoImagePath, demoSplits, optimizeArgs, scratch } from "./demo-fixture.test-helper.js";
import { memoryIo } from "./io.js";
import { run } from "./main.js";

// A Hugging Face image dataset in the layout `datasets` writes (Image feature as a {bytes, path}
// struct, ClassLabel names in the parquet's "huggingface" metadata), generated from the demo's real
// EuroSAT images and served by the local hub stand-in.
const fixture = scratch("vlmopt-hf-cli-", (work) => ({ HF_HUB_CACHE: join(work, "hub") }));
const { work } = fixture;
let hub: FakeHub;

function parquetOf(rows: [string, number][], names: string[]): Uint8Array {
  const writer = new ByteWriter();
  const pw = new ParquetWriter({
    writer,
    schema: [
      { name: "schema", num_children: 2 },
      { name: "image", repetition_type: "OPTIONAL", num_children: 2 },
      { name: "bytes", type: "BYTE_ARRAY", repetition_type: "OPTIONAL" },
      { name: "path", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
      { name: "label", type: "INT64", repetition_type: "OPTIONAL" },
    ],
    kvMetadata: [
      {
        key: "huggingface",
        value: JSON.stringify({
          info: { features: { image: { _type: "Image" }, label: { names, _type: "ClassLabel" } } },
        }),
      },
    ],
  });
  pw.write({
    columnData: [
      {
        name: "image",
        data: rows.map(([rel]) => ({
          bytes: new Uint8Array(readFileSync(demoImagePath(rel))),
          path: basename(rel),
        })),
      },
      { name: "label", data: rows.map(([, l]) => BigInt(l)) },
    ],
    rowGroupSize: 16,
  });
  pw.finish();
  return new Uint8Array(writer.getBuffer());
}

beforeAll(async () => {
  const { splits: split, names } = demoSplits();
  hub = await startFakeHub(
    "tester/sat-demo",
    new Map([
      ["data/train-00000-of-00001.parquet", parquetOf(split.train ?? [], names)],
      ["data/validation-00000-of-00001.parquet", parquetOf(split.val ?? [], names)],
      ["data/test-00000-of-00001.parquet", parquetOf(split.test ?? [], names)],
    ]),
    { repoType: "dataset" },
  );
  fixture.set("HF_ENDPOINT", hub.endpoint);
});
afterAll(async () => {
  await hub.close();
  fixture.cleanup();
});

describe("optimize --dataset hf:<repo>", () => {
  it("runs end to end on a generated parquet dataset from the hub stand-in (random:tiny, simulated)", async () => {
    const io = memoryIo({ cwd: work });
    const code = await run(optimizeArgs("hf:tester/sat-demo", work), io);
    expect(io.errText).not.toMatch(/^error/m);
    expect(code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(work, "run", "manifest.json"), "utf8"));
    expect(manifest.dataset).toMatchObject({ name: "sat-demo", counts: { train: 10, val: 10 } });
    expect(manifest.options.splitFile).toMatch(
      /^hf:tester\/sat-demo@main \(the dataset's own train\/validation\/test splits\)$/,
    );
    const results = JSON.parse(readFileSync(join(work, "run", "results.json"), "utf8"));
    expect(results.stop).toEqual({ kind: "completed" });
    expect(results.chosen.perClassTest).toHaveLength(10);
  });
});
