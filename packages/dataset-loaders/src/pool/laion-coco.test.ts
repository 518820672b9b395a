import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeHub } from "@vlmopt/clip-embedding/testing";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { afterAll, describe, expect, it } from "vitest";
import { parseLaionCocoPool, sampleLaionCoco, toTemplate } from "./laion-coco.js";
import { PythonRandom } from "./python-random.js";

// LAION-COCO's layout, generated: parquet files with URL, TEXT and top_caption columns, many row
// groups each, served by the local hub stand-in as a dataset repo.
const work = mkdtempSync(join(tmpdir(), "vlmopt-laion-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Incompressible filler, so the other columns weigh what real URLs and alt texts do. */
const noise = (s: string) =>
  [1, 2, 3].map((k) => createHash("sha256").update(`${s}:${k}`).digest("hex")).join("");

function captionsFile(from: number, rows: number): Uint8Array {
  const writer = new ByteWriter();
  const pw = new ParquetWriter({
    writer,
    schema: [
      { name: "schema", num_children: 3 },
      { name: "URL", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
      { name: "TEXT", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
      { name: "top_caption", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
    ],
  });
  const ids = Array.from({ length: rows }, (_, i) => from + i);
  pw.write({
    columnData: [
      { name: "URL", data: ids.map((i) => `https://example.com/${i}.jpg?${noise(`u${i}`)}`) },
      { name: "TEXT", data: ids.map((i) => `alt text ${i} ${noise(`t${i}`)}`) },
      { name: "top_caption", data: ids.map((i) => `a photo number ${i} of a scene.`) },
    ],
    rowGroupSize: 100,
  });
  pw.finish();
  return new Uint8Array(writer.getBuffer());
}

describe("--pool laion-coco[:seed]", () => {
  it("parses the pool name", () => {
    expect(parseLaionCocoPool("laion-coco")).toEqual({ seed: 0 });
    expect(parseLaionCocoPool("laion-coco:3")).toEqual({ seed: 3 });
    expect(parseLaionCocoPool("captions")).toBeNull();
    expect(() => parseLaionCocoPool("laion-coco:x")).toThrow(/not a non-negative integer/);
  });

  it("samples 80 captions as random.sample does, reading only the row groups needed, and caches them", async () => {
    const sizes = [3000, 2000, 2500];
    const files = new Map<string, Uint8Array>();
    let from = 0;
    sizes.forEach((n, i) => {
      files.set(`data/${i}.parquet`, captionsFile(from, n));
      from += n;
    });
    const total = [...files.values()].reduce((n, f) => n + f.length, 0);
    const hub = await startFakeHub("laion/laion-coco", files, { repoType: "dataset" });
    try {
      const opts = { seed: 2, hub: { endpoint: hub.endpoint, env: {} }, cacheDir: join(work, "cache") };
      const sample = await sampleLaionCoco(opts);
      const expected = new PythonRandom(2).sampleIndices(7500, 80);
      expect(sample.population).toBe(7500);
      expect(sample.indices).toEqual(expected);
      expect(sample.captions).toEqual(expected.map((i) => `a photo number ${i} of a scene.`));
      expect(sample.templates[0]).toBe(`a photo number ${expected[0]} of a scene, a {}.`);
      // Range requests only, and far fewer bytes than the files hold.
      const gets = hub.requests.filter((r) => r.method === "GET" && r.url.startsWith("/cdn/"));
      expect(gets.length).toBeGreaterThan(0);
      expect(gets.every((r) => r.range !== undefined)).toBe(true);
      const bytes = gets.reduce((n, r) => {
        const m = /bytes=(\d+)-(\d+)/.exec(r.range ?? "");
        return n + (m ? Number(m[2]) - Number(m[1]) + 1 : Number.POSITIVE_INFINITY);
      }, 0);
      expect(bytes).toBeLessThan(total);
      // Cached: no request the second time.
      const before = hub.requests.length;
      expect((await sampleLaionCoco(opts)).captions).toEqual(sample.captions);
      expect(hub.requests.length).toBe(before);
    } finally {
      await hub.close();
    }
  });

  it("a mirror without the caption column: one clear error", async () => {
    const writer = new ByteWriter();
    const pw = new ParquetWriter({
      writer,
      schema: [
        { name: "schema", num_children: 1 },
        { name: "caption", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
      ],
    });
    pw.write({ columnData: [{ name: "caption", data: ["a", "b"] }] });
    pw.finish();
    const hub = await startFakeHub(
      "someone/captions",
      new Map([["0.parquet", new Uint8Array(writer.getBuffer())]]),
      {
        repoType: "dataset",
      },
    );
    try {
      await expect(
        sampleLaionCoco({
          repo: "someone/captions",
          hub: { endpoint: hub.endpoint, env: {} },
          cacheDir: join(work, "c2"),
        }),
      ).rejects.toThrow(/someone\/captions\/0\.parquet has no column "top_caption" \(columns: caption\)/);
    } finally {
      await hub.close();
    }
  });

  it("turns captions into templates", () => {
    expect(toTemplate("a dog on a couch.")).toBe("a dog on a couch, a {}.");
    expect(toTemplate("a {} on a couch")).toBe("a {} on a couch");
  });
});
