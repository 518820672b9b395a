import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@vlmopt/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadClipEncoder } from "./load-clip-encoder.js";
import { quantizeSymmetric } from "./quantize-graph.js";
import { gradientImage } from "./test-images.js";

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "vlmopt-quant-test-"));
});
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

const rowCos = (a: Float32Array, b: Float32Array, dim: number, i: number) => {
  let s = 0;
  for (let j = 0; j < dim; j++) s += (a[i * dim + j] as number) * (b[i * dim + j] as number);
  return s;
};

describe("int8 variants in onnxruntime's dynamic-quantization op pattern", () => {
  it("quantizeSymmetric maps the largest weight to ±127 and round-trips within half a step", () => {
    const w = Float32Array.of(-0.5, 0.25, 1, 0.001);
    const { q, scale } = quantizeSymmetric(w);
    expect(scale).toBeCloseTo(1 / 127, 8);
    expect(Array.from(q)).toEqual([-63, 32, 127, 0]); // Math.round: -63.5 → -63
    for (let i = 0; i < w.length; i++)
      expect(Math.abs((q[i] as number) * scale - (w[i] as number))).toBeLessThanOrEqual(scale / 2);
  });

  // [model, variant, least cosine to fp32 per row]. tiny-siglip's image tower sees 16 patches of
  // width 16 (64 px, patch 16), so int8 rounding moves its few features more (measured 0.93).
  for (const [name, variant, least] of [
    ["tiny", "quantized", 0.97],
    ["tiny-rn50", "quantized", 0.97],
    ["tiny-rn50", "static-int8", 0.97],
    ["tiny-siglip", "quantized", 0.9],
  ] as const) {
    it(`random:${name}@${variant} loads and stays close to random:${name} (cosine > ${least} per row)`, async () => {
      const fp = await loadClipEncoder(`random:${name}`, { cacheDir, threads: 1 });
      const q8 = await loadClipEncoder(`random:${name}@${variant}`, { cacheDir, threads: 1 });
      expect(q8.id).toBe(`random:${name}@${variant}`);
      expect(q8.modelHash).not.toBe(fp.modelHash);
      expect(q8.dim).toBe(fp.dim);
      const texts = ["a photo of a cat.", "a satellite photo of a river.", "x"];
      const [tf, tq] = [await fp.embedTexts(texts), await q8.embedTexts(texts)];
      const imgs = [await gradientImage(120, 90, "png", 1), await gradientImage(64, 64, "jpeg", 2)];
      const [vf, vq] = [await fp.embedImages(imgs), await q8.embedImages(imgs)];
      const cos: number[] = [];
      for (let i = 0; i < texts.length; i++) cos.push(rowCos(tf.data, tq.data, fp.dim, i));
      for (let i = 0; i < imgs.length; i++) cos.push(rowCos(vf.data, vq.data, fp.dim, i));
      console.log(
        `[int8] random:${name}@${variant}: cosine to fp32 ${cos.map((c) => c.toFixed(4)).join(" ")}`,
      );
      for (const c of cos) expect(c).toBeGreaterThan(least);
      // Not the fp32 graph under another name.
      expect(Math.min(...cos)).toBeLessThan(0.999999);
      await fp.dispose();
      await q8.dispose();
    });
  }

  it("a generated model without an int8 variant says so", async () => {
    // static-int8 is for the ModifiedResNets' convs only.
    await expect(loadClipEncoder("random:tiny@static-int8", { cacheDir })).rejects.toSatisfy(
      ConfigError.isInstance,
    );
    await expect(loadClipEncoder("random:tiny@fp16", { cacheDir })).rejects.toThrow(/has no dtype "fp16"/);
  });
});
