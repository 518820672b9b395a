import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, extractFeatures, ModelLoadError } from "@vlmopt/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomClipWeights, TINY_CLIP_ARCHITECTURE } from "./clip-architecture.js";
import { buildTextGraph } from "./clip-graph.js";
import { DiskEmbeddingCache } from "./disk-embedding-cache.js";
import { generateTinyClip } from "./generate-clip-model.js";
import { loadClipEncoder } from "./load-clip-encoder.js";
import { listModels, parseRegistrySpec } from "./model-registry.js";
import { cudaProviderLibrary, parseDevice } from "./onnx-clip-encoder.js";
import { gradientImage } from "./test-images.js";

let root: string;
let modelDir: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vlmopt-load-test-"));
  modelDir = join(root, "tiny");
  await generateTinyClip(modelDir);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe("model registry", () => {
  it("lists the CLIP models with their HF repos", () => {
    const byId = new Map(listModels().map((m) => [m.id, m]));
    for (const id of [
      "clip-rn50",
      "clip-rn101",
      "clip-vit-b32",
      "clip-vit-b16",
      "clip-vit-l14",
      "siglip-b16",
      "mobileclip-s0",
    ])
      expect(byId.has(id)).toBe(true);
    expect(byId.get("clip-vit-b32")?.hfRepo).toBe("Xenova/clip-vit-base-patch32");
    expect(byId.get("clip-rn50")).toMatchObject({
      hfRepo: "immich-app/RN50__openai",
      layout: "immich-openclip",
      dims: 1024,
    });
    expect(byId.get("clip-rn101")).toMatchObject({ hfRepo: "immich-app/RN101__openai", dims: 512 });
    expect(byId.get("siglip-b16")).toMatchObject({
      hfRepo: "Xenova/siglip-base-patch16-224",
      layout: "transformers.js",
    });
    expect(() => parseRegistrySpec("clip-rn50@fp16")).toThrow(/"clip-rn50" has no dtype "fp16"/);
    expect(parseRegistrySpec("clip-vit-b16@fp16")?.dtype).toBe("fp16");
    expect(() => parseRegistrySpec("clip-vit-b32@fp8")).toThrow(/fp8/);
  });
});

describe("loadClipEncoder", () => {
  it("loads a local directory in the HF layout", async () => {
    const enc = await loadClipEncoder(modelDir, { cacheDir: root, threads: 1 });
    expect(enc.id).toBe("dir:tiny");
    expect(enc.warning).toBeUndefined();
    expect((await enc.embedTexts(["a cat"])).count).toBe(1);
    await enc.dispose();
  });

  it("rejects unknown specs with a ConfigError", async () => {
    await expect(loadClipEncoder("random:huge", { cacheDir: root })).rejects.toSatisfy(
      ConfigError.isInstance,
    );
    await expect(loadClipEncoder("not a model", { cacheDir: root })).rejects.toThrow(/Unknown CLIP model/);
  });

  it("names the missing file of an incomplete model directory", async () => {
    const broken = join(root, "broken");
    await cp(modelDir, broken, { recursive: true });
    await rm(join(broken, "onnx/vision_model.onnx"));
    await expect(loadClipEncoder(broken, { cacheDir: root })).rejects.toThrow(
      /missing .*onnx\/vision_model\.onnx/,
    );
    await expect(loadClipEncoder(`${broken}`, { cacheDir: root, dtype: "fp16" })).rejects.toSatisfy(
      ModelLoadError.isInstance,
    );
  });

  it("rejects a graph whose inputs and outputs are not a CLIP export", async () => {
    const swapped = join(root, "swapped");
    await cp(modelDir, swapped, { recursive: true });
    // The text graph where the vision graph should be.
    await cp(join(modelDir, "onnx/text_model.onnx"), join(swapped, "onnx/vision_model.onnx"));
    await expect(loadClipEncoder(swapped, { cacheDir: root })).rejects.toThrow(
      /vision_model\.onnx is not a CLIP export: expected an input named "pixel_values"/,
    );
    await writeFile(join(swapped, "onnx/vision_model.onnx"), "not onnx");
    await expect(loadClipEncoder(swapped, { cacheDir: root })).rejects.toThrow(/onnxruntime cannot load/);
  });

  it("rejects towers whose embedding sizes differ", async () => {
    const mixed = join(root, "mixed");
    await cp(modelDir, mixed, { recursive: true });
    const arch = { ...TINY_CLIP_ARCHITECTURE, projectionDim: 5 };
    await buildTextGraph(arch, randomClipWeights("text", arch, 1)).writeTo(
      join(mixed, "onnx/text_model.onnx"),
    );
    await expect(loadClipEncoder(mixed, { cacheDir: root })).rejects.toThrow(/text_embeds of size 5/);
  });

  it("with core's extractFeatures and a DiskEmbeddingCache, encodes each image once per model", async () => {
    const enc = await loadClipEncoder(modelDir, { cacheDir: root, threads: 1 });
    const imgDir = join(root, "imgs");
    await mkdir(imgDir, { recursive: true });
    const images = [];
    for (let i = 0; i < 5; i++) {
      const p = join(imgDir, `${i}.png`);
      await writeFile(p, await gradientImage(80 + i * 10, 70, "png", i));
      images.push({ path: p, label: i % 2 });
    }
    const cache = new DiskEmbeddingCache({ dir: join(root, "features") });
    let cached = -1;
    const first = await extractFeatures(enc, images, { cache });
    const second = await extractFeatures(enc, images, {
      cache: new DiskEmbeddingCache({ dir: join(root, "features") }),
      onProgress: (p) => {
        cached = p.cached;
      },
    });
    expect(cached).toBe(5);
    expect(Array.from(second.features.data)).toEqual(Array.from(first.features.data));
    await enc.dispose();
  });
});

describe("--device", () => {
  it("cuda without onnxruntime-node's CUDA provider library says exactly that; a bad device name is a ConfigError", async () => {
    if (existsSync(cudaProviderLibrary())) {
      console.warn(
        "[clip-embedding] the CUDA provider library is installed here: the missing-library error is not tested",
      );
    } else {
      const err = await loadClipEncoder(modelDir, { cacheDir: root, device: "cuda:1" }).catch(
        (e: unknown) => e,
      );
      expect(ModelLoadError.isInstance(err)).toBe(true);
      expect((err as Error).message).toMatch(
        /--device cuda:1: onnxruntime-node's CUDA execution provider is not installed \(.*libonnxruntime_providers_cuda\.so is absent\)/,
      );
      expect((err as ModelLoadError).hint).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12.*CUDA 12 and cuDNN/);
    }
    await expect(loadClipEncoder(modelDir, { cacheDir: root, device: "gpu" })).rejects.toThrow(
      /Unknown device "gpu"/,
    );
    expect(parseDevice("cuda:2")).toEqual({ name: "cuda", deviceId: 2 });
    expect(parseDevice(undefined)).toEqual({ name: "cpu" });
  });
});

describe("generateTinyClip", () => {
  it("builds its own byte-level BPE tokenizer when asked (or when no CLIP tokenizer is at hand)", async () => {
    const dir = join(root, "tiny-built-tok");
    const info = await generateTinyClip(dir, { builtTokenizer: true });
    expect(info.tokenizer).toBe("built-tiny");
    const enc = await loadClipEncoder(dir, { cacheDir: root, threads: 1 });
    const ids = enc.tokenizer.encode("a photo of a cat.");
    expect(ids[0]).toBe(49406);
    expect(ids.at(-1)).toBe(49407);
    expect((await enc.embedTexts(["a photo of a cat."])).count).toBe(1);
    await enc.dispose();
  });
});

describe("text feature cache", () => {
  it("stores text features on disk and re-uses them in a new encoder", async () => {
    const textCache = new DiskEmbeddingCache({ dir: join(root, "text-features") });
    const a = await loadClipEncoder(modelDir, { cacheDir: root, threads: 1, textCache });
    const first = await a.embedTexts(["a photo of a cat.", "a photo of a cat.", "a dog"]);
    expect(Array.from(first.data.subarray(0, first.dim))).toEqual(
      Array.from(first.data.subarray(first.dim, 2 * first.dim)),
    );
    await a.dispose();
    const puts: string[] = [];
    const spy = {
      match: (k: string) => textCache.match(k),
      put: async (k: string, v: Float32Array) => {
        puts.push(k);
        await textCache.put(k, v);
      },
    };
    const b = await loadClipEncoder(modelDir, { cacheDir: root, threads: 1, textCache: spy });
    const second = await b.embedTexts(["a dog", "a photo of a cat."]);
    expect(puts).toEqual([]);
    expect(Array.from(second.data.subarray(0, second.dim))).toEqual(
      Array.from(first.data.subarray(2 * first.dim, 3 * first.dim)),
    );
    await b.dispose();
  });
});
