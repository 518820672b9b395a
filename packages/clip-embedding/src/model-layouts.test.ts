import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModelLoadError } from "@vlmopt/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseOpenClipPreprocessConfig, parsePreprocessConfig } from "./image-preprocess.js";
import { detectLayout, resolveModelDir } from "./model-layouts.js";
import { matchProbabilities } from "./scoring.js";

// File listings as the hub's model info returns them (siblings[].rfilename).
const XENOVA = [
  "config.json",
  "onnx/text_model.onnx",
  "onnx/text_model_quantized.onnx",
  "onnx/vision_model.onnx",
  "tokenizer.json",
  "preprocessor_config.json",
];
const IMMICH = [
  "config.json",
  "textual/model.onnx",
  "textual/tokenizer.json",
  "textual/tokenizer_config.json",
  "visual/model.onnx",
  "visual/preprocess_cfg.json",
  "README.md",
];

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vlmopt-layout-test-"));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe("layout detection", () => {
  it("tells the transformers.js layout from immich's OpenCLIP layout by their files", () => {
    expect(detectLayout(XENOVA, "HF repo Xenova/x").id).toBe("transformers.js");
    expect(detectLayout(IMMICH, "HF repo immich-app/RN50__openai").id).toBe("immich-openclip");
    expect(detectLayout(IMMICH, "x").paths(undefined).all).toContain("visual/preprocess_cfg.json");
    expect(() => detectLayout(IMMICH, "x").paths("fp16")).toThrow(/fp32 ONNX files only/);
  });

  it("an unknown layout is one error naming the repo and the files each layout needs", () => {
    const err = (() => {
      try {
        detectLayout(
          ["model.safetensors", "open_clip_config.json"],
          "HF repo laion/CLIP-ViT-B-32-laion2B-s34B-b79K",
        );
      } catch (e) {
        return e as Error;
      }
    })();
    expect(ModelLoadError.isInstance(err)).toBe(true);
    expect(err?.message).toMatch(
      /HF repo laion\/CLIP-ViT-B-32-laion2B-s34B-b79K is not in a known CLIP model layout \(it has: model\.safetensors/,
    );
    expect((err as ModelLoadError).hint).toMatch(
      /transformers\.js: onnx\/text_model\.onnx.*immich-openclip: textual\/model\.onnx, visual\/model\.onnx, visual\/preprocess_cfg\.json/,
    );
  });

  it("a local folder of an unknown layout names the folder", async () => {
    const dir = join(root, "weird");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "model.onnx"), "x");
    await expect(resolveModelDir(dir)).rejects.toThrow(
      /Model directory .*weird is not in a known CLIP model layout/,
    );
  });

  it("an immich folder without its preprocess config names the missing file", async () => {
    const dir = join(root, "immich-broken");
    await mkdir(join(dir, "textual"), { recursive: true });
    await mkdir(join(dir, "visual"), { recursive: true });
    for (const f of ["textual/model.onnx", "visual/model.onnx", "textual/tokenizer.json", "config.json"])
      await writeFile(join(dir, f), "{}");
    await expect(resolveModelDir(dir)).rejects.toThrow(
      /immich-openclip layout\) is missing .*visual\/preprocess_cfg\.json/,
    );
  });
});

describe("preprocessing configs per layout", () => {
  it("OpenCLIP's preprocess_cfg: shortest-side resize + centre crop, or squash", () => {
    const shortest = parseOpenClipPreprocessConfig({
      size: [224, 224],
      mean: [0.1, 0.2, 0.3],
      std: [0.4, 0.5, 0.6],
      interpolation: "bicubic",
      resize_mode: "shortest",
    });
    expect(shortest).toMatchObject({
      resizeMode: "shortest",
      shortestEdge: 224,
      cropHeight: 224,
      doCenterCrop: true,
      mean: [0.1, 0.2, 0.3],
    });
    const squash = parseOpenClipPreprocessConfig({
      size: 256,
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
      resize_mode: "squash",
    });
    expect(squash).toMatchObject({ resizeMode: "squash", cropWidth: 256, doCenterCrop: false });
    // Older configs have no resize_mode: open_clip's default is "shortest".
    expect(parseOpenClipPreprocessConfig({ size: 224 }).resizeMode).toBe("shortest");
    expect(() => parseOpenClipPreprocessConfig({ size: 224, interpolation: "lanczos" })).toThrow(
      /interpolation "lanczos" is not supported/,
    );
    expect(() => parseOpenClipPreprocessConfig({ size: 224, resize_mode: "longest" })).toThrow(
      /resize_mode "longest"/,
    );
    expect(() => parseOpenClipPreprocessConfig({ size: "big" })).toThrow(/field "size"/);
  });

  it("HF: shortest_edge crops (CLIP), {height, width} squashes with no crop (SigLIP)", () => {
    expect(
      parsePreprocessConfig({ size: { shortest_edge: 224 }, crop_size: { height: 224, width: 224 } }),
    ).toMatchObject({ resizeMode: "shortest", doCenterCrop: true });
    const siglip = parsePreprocessConfig({
      size: { height: 224, width: 224 },
      image_mean: [0.5, 0.5, 0.5],
      image_std: [0.5, 0.5, 0.5],
      resample: 3,
    });
    expect(siglip).toMatchObject({
      resizeMode: "squash",
      doCenterCrop: false,
      cropHeight: 224,
      mean: [0.5, 0.5, 0.5],
    });
    // PIL BILINEAR (2: MobileCLIP's transform) is implemented; LANCZOS (1) is refused.
    expect(parsePreprocessConfig({ size: { height: 224, width: 224 }, resample: 2 }).resample).toBe(
      "bilinear",
    );
    expect(() => parsePreprocessConfig({ size: { height: 224, width: 224 }, resample: 1 })).toThrow(
      /resample 1 is not supported/,
    );
  });
});

describe("matchProbabilities", () => {
  const cos = [0.21, 0.25, 0.19];
  it("CLIP: softmax of 100·cos; SigLIP: sigmoid(scale·cos + bias); same argmax as the cosines", () => {
    const soft = matchProbabilities({ kind: "softmax", logitScale: 100 }, cos);
    expect(soft.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(soft[1]).toBeCloseTo(Math.exp(25) / (Math.exp(21) + Math.exp(25) + Math.exp(19)), 10);
    const sig = matchProbabilities({ kind: "sigmoid", logitScale: 10, logitBias: -2.5 }, cos);
    expect(sig[0]).toBeCloseTo(1 / (1 + Math.exp(-(2.1 - 2.5))), 10);
    const argmax = (a: ArrayLike<number>) => Array.from(a).indexOf(Math.max(...Array.from(a)));
    expect(argmax(soft)).toBe(argmax(cos));
    expect(argmax(sig)).toBe(argmax(cos));
  });
  it("SigLIP without a known scale and bias says so", () => {
    expect(() =>
      matchProbabilities({ kind: "sigmoid", logitScale: undefined, logitBias: undefined }, cos),
    ).toThrow(/learned logit scale and bias/);
  });
});
