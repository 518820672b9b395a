import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomClipWeights } from "./clip-architecture.js";
import { referenceTextEmbedding } from "./clip-reference.js";
import { GENERATED, listGeneratedModels } from "./generated-models.js";
import { decodeAndCrop, normalizeToChw } from "./image-preprocess.js";
import { loadClipEncoder } from "./load-clip-encoder.js";
import type { OnnxClipEncoder } from "./onnx-clip-encoder.js";
import { RN50_ARCHITECTURE, randomResnetWeights, textPart } from "./resnet-architecture.js";
import { referenceResnetImageEmbedding } from "./resnet-reference.js";
import { gradientImage } from "./test-images.js";

// Every generated model (`random:<name>`) is generated, loaded and run once: its layout, its
// embedding size, the fixed batch of the immich layout, the random-weights warning. The models at
// the real shapes are 0.4–0.8 GB each: one at a time, deleted before the next.
const EXPECTED: Record<string, { dim: number; fixedBatch: number | undefined }> = {
  tiny: { dim: 12, fixedBatch: undefined },
  "vit-b32": { dim: 512, fixedBatch: undefined },
  "tiny-rn50": { dim: 12, fixedBatch: 1 },
  rn50: { dim: 1024, fixedBatch: 1 },
  rn101: { dim: 512, fixedBatch: 1 },
  "tiny-siglip": { dim: 12, fixedBatch: undefined },
  "siglip-b16": { dim: 768, fixedBatch: undefined },
};

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "vlmopt-generated-test-"));
});
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

describe("every generated model loads and runs", () => {
  it("lists each one (and its @quantized variant) with a description saying random weights", () => {
    expect(GENERATED.map((g) => g.name).sort()).toEqual(Object.keys(EXPECTED).sort());
    const ids = listGeneratedModels().map((m) => m.id);
    for (const g of GENERATED) {
      expect(ids).toContain(`random:${g.name}`);
      if (g.quantizable) expect(ids).toContain(`random:${g.name}@quantized`);
    }
    for (const m of listGeneratedModels()) expect(m.description).toMatch(/random weights|int8/);
  });

  it.each(GENERATED.map((g) => [g.name, g] as const))(
    "random:%s",
    async (name, g) => {
      const want = EXPECTED[name] as { dim: number; fixedBatch: number | undefined };
      const enc = await loadClipEncoder(`random:${name}`, { cacheDir, threads: 2 });
      try {
        expect(enc.id).toBe(`random:${name}`);
        expect(enc.warning).toMatch(/random/i);
        expect(enc.layout).toBe(g.layout);
        expect(enc.dim).toBe(want.dim);
        expect(enc.fixedBatch.vision).toBe(want.fixedBatch);
        expect(enc.family).toBe(name.includes("siglip") ? "siglip" : "clip");
        const t = await enc.embedTexts(["a photo of a cat.", "a satellite photo of a river."]);
        const v = await enc.embedImages([await gradientImage(90, 70, "jpeg", 1)]);
        for (const [data, rows] of [
          [t.data, 2],
          [v.data, 1],
        ] as const) {
          for (let r = 0; r < rows; r++) {
            let s = 0;
            for (let j = 0; j < enc.dim; j++) s += (data[r * enc.dim + j] as number) ** 2;
            expect(Math.sqrt(s)).toBeCloseTo(1, 4);
          }
        }
        expect(t.data.subarray(0, enc.dim)).not.toEqual(t.data.subarray(enc.dim, 2 * enc.dim));
        if (name === "rn50") await matchesRn50Reference(enc, t.data, v.data);
      } finally {
        await enc.dispose();
        await rm(join(cacheDir, "generated"), { recursive: true, force: true });
      }
    },
    600_000,
  );
});

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>, n: number) => {
  let m = 0;
  for (let j = 0; j < n; j++) m = Math.max(m, Math.abs((a[j] as number) - (b[j] as number)));
  return m;
};

/**
 * random:rn50 at RN50's full shape against resnet-reference.ts / clip-reference.ts, the float64
 * forward passes of the same weights (batch norms kept separate): one prompt and one image.
 */
async function matchesRn50Reference(enc: OnnxClipEncoder, text: Float32Array, image: Float32Array) {
  const arch = RN50_ARCHITECTURE;
  const tp = textPart(arch);
  const ref = referenceTextEmbedding(
    tp,
    randomClipWeights("text", tp, 1234),
    enc.tokenizer.encode("a photo of a cat."),
  );
  const dt = maxDiff(text, ref, enc.dim);
  const S = arch.vision.imageSize;
  const { rgb, width, height } = await decodeAndCrop(await gradientImage(90, 70, "jpeg", 1), enc.preprocess);
  const chw = new Float32Array(3 * S * S);
  normalizeToChw(rgb, width, height, enc.preprocess, chw, 0);
  const di = maxDiff(
    image,
    referenceResnetImageEmbedding(arch, randomResnetWeights(arch, 1235), chw),
    enc.dim,
  );
  console.log(
    `[random:rn50] max difference to the float64 reference: text ${dt.toExponential(2)}, image ${di.toExponential(2)}`,
  );
  // Measured 6e-8 (text) and 3e-8 (image); a 10% change of the attention pool's scale gives 3.6e-4
  // and a 1% one ~4e-5, so the bound is 1e-5 (the issue asks for 1e-4, as for random:tiny).
  expect(dt).toBeLessThan(1e-5);
  expect(di).toBeLessThan(1e-5);
}
