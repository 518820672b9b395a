/**
 * The shared test suite every ClipEncoder implementation runs (vitest). Imports vitest, so only
 * test files may import this module; it is not exported from the package index.
 */
import { AbortError, type ClipEncoder, type ImageSource } from "@vlmopt/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

export interface ClipEncoderContractOptions {
  name: string;
  makeEncoder: () => Promise<ClipEncoder>;
  /** At least 3 distinct, decodable images (paths or bytes). */
  images: () => Promise<ImageSource[]>;
}

function rowNorms(data: Float32Array, dim: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.length / dim; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (data[i * dim + j] as number) ** 2;
    out.push(Math.sqrt(s));
  }
  return out;
}

export function clipEncoderContract(options: ClipEncoderContractOptions): void {
  describe(`ClipEncoder contract: ${options.name}`, () => {
    let encoder: ClipEncoder;
    let images: ImageSource[];
    beforeAll(async () => {
      encoder = await options.makeEncoder();
      images = await options.images();
    });
    afterAll(async () => {
      await encoder?.dispose?.();
    });

    it("describes itself", () => {
      expect(encoder.specificationVersion).toBe("v1");
      expect(encoder.id.length).toBeGreaterThan(0);
      expect(Number.isInteger(encoder.dim) && encoder.dim > 0).toBe(true);
      expect(encoder.modelHash).toMatch(/^[0-9a-f]{64}$/);
      expect(encoder.maxTextBatch).toBeGreaterThan(0);
      expect(encoder.maxImageBatch).toBeGreaterThan(0);
    });

    it("returns one L2-normalised row per text", async () => {
      const texts = ["a photo of a cat.", "a photo of a dog.", "a satellite photo of a river."];
      const e = await encoder.embedTexts(texts);
      expect(e.count).toBe(3);
      expect(e.dim).toBe(encoder.dim);
      expect(e.data.length).toBe(3 * encoder.dim);
      for (const n of rowNorms(e.data, e.dim)) expect(n).toBeCloseTo(1, 4);
      expect(e.data.every(Number.isFinite)).toBe(true);
    });

    it("is deterministic and independent of batching", async () => {
      const texts = Array.from(
        { length: encoder.maxTextBatch + 3 },
        (_, i) => `a photo of thing number ${i}.`,
      );
      const all = await encoder.embedTexts(texts);
      expect(all.count).toBe(texts.length);
      const last = await encoder.embedTexts([texts[texts.length - 1] as string]);
      const tail = all.data.subarray((texts.length - 1) * all.dim);
      for (let j = 0; j < all.dim; j++) expect(last.data[j]).toBeCloseTo(tail[j] as number, 4);
      const a = await encoder.embedTexts(["a photo of a cat."]);
      const b = await encoder.embedTexts(["a photo of a cat."]);
      expect(Array.from(a.data)).toEqual(Array.from(b.data));
    });

    it("handles empty input", async () => {
      expect((await encoder.embedTexts([])).count).toBe(0);
      expect((await encoder.embedImages([])).count).toBe(0);
    });

    it("returns one L2-normalised row per image, in order", async () => {
      const e = await encoder.embedImages(images);
      expect(e.count).toBe(images.length);
      expect(e.dim).toBe(encoder.dim);
      for (const n of rowNorms(e.data, e.dim)) expect(n).toBeCloseTo(1, 4);
      const single = await encoder.embedImages([images[1] as ImageSource]);
      for (let j = 0; j < e.dim; j++) expect(single.data[j]).toBeCloseTo(e.data[e.dim + j] as number, 4);
    });

    it("reports progress up to the total", async () => {
      const seen: [number, number][] = [];
      await encoder.embedTexts(["x one", "x two"], { onProgress: (d, t) => seen.push([d, t]) });
      expect(seen.at(-1)).toEqual([2, 2]);
    });

    it("rejects with AbortError on an aborted signal", async () => {
      const ac = new AbortController();
      ac.abort();
      await expect(encoder.embedTexts(["a"], { signal: ac.signal })).rejects.toSatisfy(AbortError.isInstance);
      await expect(encoder.embedImages(images, { signal: ac.signal })).rejects.toSatisfy(
        AbortError.isInstance,
      );
    });
  });
}
