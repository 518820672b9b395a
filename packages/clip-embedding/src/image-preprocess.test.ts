import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DatasetFormatError } from "@vlmopt/core";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import {
  decodeAndCrop,
  normalizeToChw,
  type PreprocessConfig,
  parsePreprocessConfig,
  resizedSize,
} from "./image-preprocess.js";
import { findRepoRoot } from "./repo-paths.js";
import { gradientImage } from "./test-images.js";

const CFG: PreprocessConfig = parsePreprocessConfig({
  size: { shortest_edge: 224 },
  crop_size: { height: 224, width: 224 },
  image_mean: [0.48145466, 0.4578275, 0.40821073],
  image_std: [0.26862954, 0.26130258, 0.27577711],
});
const DATASETS = resolve(findRepoRoot() ?? ".", "../shared/datasets");
const hasShared = existsSync(DATASETS);
if (!hasShared) console.warn(`[clip-embedding] ${DATASETS} absent: PIL agreement test skipped`);

interface PilImage {
  path: string;
  means: number[];
  blocks: number[];
  samples: [number, number, number[]][];
}

/** Tolerances against PIL in 8-bit levels; measured here: 0 on pixels, <= 0.001 on means (fixture rounding). */
const TOL = { mean: 0.01, block: 0.01, sample: 1 };

describe("image preprocessing", () => {
  it("resizes the short side like torchvision (long side truncated)", () => {
    expect(resizedSize(500, 375, 224)).toEqual({ width: 298, height: 224 });
    expect(resizedSize(64, 64, 224)).toEqual({ width: 224, height: 224 });
    expect(resizedSize(200, 320, 224)).toEqual({ width: 224, height: 358 });
  });

  it("normalises with the preprocessor's mean and std into CHW", () => {
    const rgb = Uint8Array.from([255, 0, 128, 0, 255, 64]); // 2x1 image
    const out = new Float32Array(6);
    normalizeToChw(rgb, 2, 1, { ...CFG, cropWidth: 2, cropHeight: 1 }, out, 0);
    expect(out[0]).toBeCloseTo((1 - 0.48145466) / 0.26862954, 5);
    expect(out[1]).toBeCloseTo((0 - 0.48145466) / 0.26862954, 5);
    expect(out[3]).toBeCloseTo((1 - 0.4578275) / 0.26130258, 5);
    expect(out[5]).toBeCloseTo((64 / 255 - 0.40821073) / 0.27577711, 5);
  });

  it("handles grayscale, alpha, PNG, WebP and EXIF orientation", async () => {
    const gray = await decodeAndCrop(await gradientImage(100, 80, "png", 1, 1), CFG);
    expect(gray.rgb.length).toBe(224 * 224 * 3);
    expect(gray.rgb[0]).toBe(gray.rgb[1]);
    const rgba = await decodeAndCrop(await gradientImage(100, 80, "webp", 1, 4), CFG);
    expect(rgba.rgb.length).toBe(224 * 224 * 3);
    // A portrait JPEG stored landscape with EXIF orientation 6 decodes like the rotated pixels.
    const land = await gradientImage(120, 80, "png", 2);
    const tagged = await sharp(land).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    const rotated = await sharp(land).rotate(90).jpeg({ quality: 100 }).toBuffer();
    const a = await decodeAndCrop(new Uint8Array(tagged), CFG);
    const b = await decodeAndCrop(new Uint8Array(rotated), CFG);
    let diff = 0;
    for (let i = 0; i < a.rgb.length; i++) diff += Math.abs((a.rgb[i] as number) - (b.rgb[i] as number));
    expect(diff / a.rgb.length).toBeLessThan(2);
  });

  it("rejects corrupt, truncated and missing images with the file named", async () => {
    await expect(decodeAndCrop(new Uint8Array([1, 2, 3, 4]), CFG, 7)).rejects.toThrow(/image #7 \(4 bytes\)/);
    const jpeg = await gradientImage(300, 300, "jpeg", 1);
    await expect(decodeAndCrop(jpeg.subarray(0, 400), CFG)).rejects.toSatisfy(DatasetFormatError.isInstance);
    await expect(decodeAndCrop("/nonexistent/cat.jpg", CFG)).rejects.toThrow(/\/nonexistent\/cat\.jpg/);
  });

  // The CLIP path (shortest side + centre crop, OpenAI clip.py / OpenCLIP "shortest") and the
  // SigLIP path (squash to 224×224, no crop: SiglipImageProcessor / OpenCLIP "squash").
  const SQUASH: PreprocessConfig = parsePreprocessConfig({
    size: { height: 224, width: 224 },
    image_mean: [0.5, 0.5, 0.5],
    image_std: [0.5, 0.5, 0.5],
    resample: 3,
  });
  for (const [file, cfg] of [
    ["pil-reference.json", CFG],
    ["pil-reference-squash.json", SQUASH],
  ] as const)
    describe.skipIf(!hasShared)(
      `agreement with PIL bicubic on shared images (${file}, ${cfg.resizeMode})`,
      () => {
        const fixture = JSON.parse(readFileSync(new URL(`../fixtures/${file}`, import.meta.url), "utf8")) as {
          images: PilImage[];
        };
        for (const ref of fixture.images) {
          it(ref.path, async () => {
            const input = ref.path.startsWith("synthetic:")
              ? await gradientImage(500, 375, "png", 5)
              : resolve(DATASETS, ref.path);
            const { rgb } = await decodeAndCrop(input, cfg);
            const N = 224;
            const at = (x: number, y: number, c: number) => rgb[(y * N + x) * 3 + c] as number;
            let meanDiff = 0;
            for (let c = 0; c < 3; c++) {
              let s = 0;
              for (let i = 0; i < N * N; i++) s += rgb[i * 3 + c] as number;
              meanDiff = Math.max(meanDiff, Math.abs(s / (N * N) - (ref.means[c] as number)));
            }
            let blockDiff = 0;
            for (let by = 0; by < 7; by++)
              for (let bx = 0; bx < 7; bx++)
                for (let c = 0; c < 3; c++) {
                  let s = 0;
                  for (let y = 0; y < 32; y++)
                    for (let x = 0; x < 32; x++) s += at(bx * 32 + x, by * 32 + y, c);
                  const d = Math.abs(s / 1024 - (ref.blocks[(by * 7 + bx) * 3 + c] as number));
                  blockDiff = Math.max(blockDiff, d);
                }
            let sampleDiff = 0;
            for (const [x, y, px] of ref.samples)
              for (let c = 0; c < 3; c++)
                sampleDiff = Math.max(sampleDiff, Math.abs(at(x, y, c) - (px[c] as number)));
            console.log(
              `[pil ${cfg.resizeMode}] ${ref.path}: mean ${meanDiff.toFixed(3)} block ${blockDiff.toFixed(3)} sample ${sampleDiff}`,
            );
            expect(meanDiff).toBeLessThanOrEqual(TOL.mean);
            expect(blockDiff).toBeLessThanOrEqual(TOL.block);
            expect(sampleDiff).toBeLessThanOrEqual(TOL.sample);
          });
        }
      },
    );
});
