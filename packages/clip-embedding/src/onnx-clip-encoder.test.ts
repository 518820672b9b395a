import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { RANDOM_WEIGHTS_WARNING } from "@vlmopt/core";
import { HashEncoder } from "@vlmopt/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomClipWeights, TINY_CLIP_ARCHITECTURE } from "./clip-architecture.js";
import { clipEncoderContract } from "./clip-encoder-contract.js";
import { referenceImageEmbedding, referenceTextEmbedding } from "./clip-reference.js";
import { decodeAndCrop, normalizeToChw } from "./image-preprocess.js";
import { loadClipEncoder } from "./load-clip-encoder.js";
import type { OnnxClipEncoder } from "./onnx-clip-encoder.js";
import { findRepoRoot } from "./repo-paths.js";
import { gradientImage } from "./test-images.js";

const SHARED = resolve(findRepoRoot() ?? ".", "../shared");
const hasShared = existsSync(SHARED);
if (!hasShared) console.warn(`[clip-embedding] ${SHARED} absent: tests on shared images are skipped`);

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "vlmopt-clip-test-"));
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const syntheticImages = async () => [
  await gradientImage(300, 224, "jpeg", 1),
  await gradientImage(64, 64, "png", 2),
  await gradientImage(200, 320, "webp", 3),
  await gradientImage(90, 120, "png", 4, 4),
];

clipEncoderContract({
  name: "OnnxClipEncoder random:tiny",
  makeEncoder: () =>
    loadClipEncoder("random:tiny", { cacheDir, threads: 1, maxTextBatch: 4, maxImageBatch: 2 }),
  images: syntheticImages,
});

clipEncoderContract({
  name: "core HashEncoder",
  makeEncoder: async () => new HashEncoder(),
  images: syntheticImages,
});

describe("random:tiny against the plain-TypeScript reference", () => {
  let enc: OnnxClipEncoder;
  const textW = randomClipWeights("text", TINY_CLIP_ARCHITECTURE, 1234);
  const visionW = randomClipWeights("vision", TINY_CLIP_ARCHITECTURE, 1235);
  beforeAll(async () => {
    enc = await loadClipEncoder("random:tiny", { cacheDir, threads: 1, maxTextBatch: 3 });
  });
  afterAll(() => enc.dispose());

  it("carries the random-weights warning and a stable model hash", async () => {
    expect(enc.warning).toBe(RANDOM_WEIGHTS_WARNING);
    expect(enc.dim).toBe(TINY_CLIP_ARCHITECTURE.projectionDim);
    const again = await loadClipEncoder("random:tiny", { cacheDir, threads: 1 });
    expect(again.modelHash).toBe(enc.modelHash);
    await again.dispose();
    expect(await readdir(join(cacheDir, "generated"))).toEqual(["tiny-v1"]);
  });

  it("text embeddings match within 1e-4 (length-sorted batches of mixed length, repeats, long prompts)", async () => {
    // batches of 3 are formed by token count, not input order: the results must still line up
    const texts = [
      "a photo of a cat.",
      "A satellite photo of Annual Crop Land.",
      "x",
      `a photo of ${"very ".repeat(100)}long prompt.`,
      "a bad photo of the {} 123!",
      "x",
      "a centered satellite photo of a river seen from far above the ground.",
    ];
    const got = await enc.embedTexts(texts);
    texts.forEach((t, i) => {
      const ref = referenceTextEmbedding(TINY_CLIP_ARCHITECTURE, textW, enc.tokenizer.encode(t));
      for (let j = 0; j < enc.dim; j++)
        expect(Math.abs((got.data[i * enc.dim + j] as number) - (ref[j] as number))).toBeLessThan(1e-4);
    });
  });

  it("image embeddings match within 1e-4", async () => {
    const images = await syntheticImages();
    const got = await enc.embedImages(images);
    const size = TINY_CLIP_ARCHITECTURE.vision.imageSize;
    for (let i = 0; i < images.length; i++) {
      const { rgb, width, height } = await decodeAndCrop(images[i] as Uint8Array, enc.preprocess);
      const chw = new Float32Array(3 * size * size);
      normalizeToChw(rgb, width, height, enc.preprocess, chw, 0);
      const ref = referenceImageEmbedding(TINY_CLIP_ARCHITECTURE, visionW, chw);
      for (let j = 0; j < enc.dim; j++)
        expect(Math.abs((got.data[i * enc.dim + j] as number) - (ref[j] as number))).toBeLessThan(1e-4);
    }
    // Different images give different embeddings (the model is not constant).
    expect(Array.from(got.data.subarray(0, enc.dim))).not.toEqual(
      Array.from(got.data.subarray(enc.dim, 2 * enc.dim)),
    );
  });
});
