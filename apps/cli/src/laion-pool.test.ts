import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeHub } from "@vlmopt/clip-embedding/testing";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIo } from "./io.js";
import { run } from "./main.js";

// LAION-COCO's caption parquet layout (top_caption column), generated, on the local hub stand-in.
const work = mkdtempSync(join(tmpdir(), "vlmopt-laion-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function captions(n: number): Uint8Array {
  const writer = new ByteWriter();
  const pw = new ParquetWriter({
    writer,
    schema: [
      { name: "schema", num_children: 1 },
      { name: "top_caption", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
    ],
  });
  pw.write({
    columnData: [{ name: "top_caption", data: Array.from({ length: n }, (_, i) => `a scene number ${i}.`) }],
    rowGroupSize: 64,
  });
  pw.finish();
  return new Uint8Array(writer.getBuffer());
}

describe("optimize --pool laion-coco:<seed>", () => {
  it("samples the pool from the hub, caches it and starts the climb from it", async () => {
    const hub = await startFakeHub("laion/laion-coco", new Map([["data/0.parquet", captions(500)]]), {
      repoType: "dataset",
    });
    try {
      const env = { HF_ENDPOINT: hub.endpoint, VLMOPT_CACHE_DIR: join(work, "cache") };
      const args = [
        "optimize",
        "--dataset",
        "demo",
        "--shots",
        "1",
        "--model",
        "random:tiny",
        "--llm",
        "simulated",
        "--iterations",
        "1",
        "--pool",
        "laion-coco:1",
        "--param",
        "poolSize=4",
        "--cache-dir",
        join(work, "model-cache"),
      ];
      const io = memoryIo({ cwd: work, env });
      const code = await run([...args, "--run-dir", "run"], io);
      expect(io.errText).not.toMatch(/^error/m);
      expect(code).toBe(0);
      expect(io.errText).toMatch(/pool laion-coco:1: sampling 80 LAION-COCO captions \(seed 1\)/);
      const manifest = JSON.parse(readFileSync(join(work, "run", "manifest.json"), "utf8"));
      const poolPath = manifest.strategy.params.poolPath as string;
      const sample = JSON.parse(readFileSync(poolPath, "utf8"));
      expect(sample).toMatchObject({ repo: "laion/laion-coco", seed: 1, population: 500 });
      expect(sample.templates).toHaveLength(80);
      expect(sample.templates[0]).toMatch(/^a scene number \d+, a \{\}\.$/);
      // The second run reads the cached sample: no hub request.
      const before = hub.requests.length;
      const again = memoryIo({ cwd: work, env });
      expect(await run([...args, "--run-dir", "run2"], again)).toBe(0);
      expect(hub.requests.length).toBe(before);
    } finally {
      await hub.close();
    }
  });
});
