import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClipArchitecture, randomClipWeights, TINY_CLIP_ARCHITECTURE } from "./clip-architecture.js";
import { buildTextGraph, buildVisionGraph, type TowerIo } from "./clip-graph.js";
import { referenceImageEmbedding, referenceTextEmbedding } from "./clip-reference.js";
import { writeClipTokenizer } from "./generate-clip-model.js";
import { type FakeHub, startFakeHub } from "./hub-test-server.js";
import { decodeAndCrop, normalizeToChw } from "./image-preprocess.js";
import { loadClipEncoder } from "./load-clip-encoder.js";
import { listModels } from "./model-registry.js";
import { DYNAMIC_INT8_EMITTER } from "./quantize-graph.js";
import { gradientImage } from "./test-images.js";

/**
 * Xenova/mobileclip_s0 as the hub lists it (https://huggingface.co/Xenova/mobileclip_s0/tree/main):
 * .gitattributes, LICENSE, README.md, config.json (26 bytes: no text_config), preprocessor_config.json
 * (382 bytes), tokenizer.json (2.22 MB, CLIP's BPE), tokenizer_config.json (763 bytes), and onnx/ with
 * {text,vision}_model{,_bnb4,_fp16,_int8,_q4,_quantized,_uint8}.onnx — the onnx/ set listed for the
 * sibling repos of the same "Upload quantized ONNX weights (#1)" commit
 * (https://huggingface.co/Xenova/mobileclip_s1/tree/main/onnx, …/mobileclip_s2/tree/main/onnx);
 * projects downloading s0's files name onnx/text_model.onnx, text_model_fp16.onnx,
 * text_model_quantized.onnx, vision_model.onnx, vision_model_fp16.onnx, vision_model_quantized.onnx.
 * The graphs (read by projects that run them with onnxruntime directly): text `input_ids` int64
 * only, no attention_mask, → 512-d, not normalised; vision `pixel_values` [batch, 3, 256, 256] →
 * `image_embeds`, not normalised. Preprocessing: shortest side 256, centre crop 256, rescale only
 * (`do_normalize: false`) — apple/ml-mobileclip's own transform is Resize(256, BILINEAR),
 * CenterCrop(256), ToTensor() with no mean/std (mobileclip/__init__.py). Text: open_clip's tokenizer
 * at context_length 77 (mobileclip/modules/text/tokenizer.py, configs/mobileclip_s0.json), and S0's
 * text tower has `"causal_masking": false`, so the padding is seen by every position.
 * This stand-in serves generated tiny towers with that I/O under those names; the byte contents of
 * config.json, preprocessor_config.json and tokenizer_config.json are not known here, so they hold
 * the values above (resample 2 = PIL BILINEAR as in Apple's transform; pad_token "!" = id 0, what
 * open_clip pads with).
 */
const REPO = "Xenova/mobileclip_s0";
const SUFFIXES = ["", "_bnb4", "_fp16", "_int8", "_q4", "_quantized", "_uint8"];

const ARCH: ClipArchitecture = {
  ...TINY_CLIP_ARCHITECTURE,
  vision: { ...TINY_CLIP_ARCHITECTURE.vision, imageSize: 256, patchSize: 32 },
};
const TEXT_IO: TowerIo = { input: "input_ids", output: "text_embeds", causal: false };
const VISION_IO: TowerIo = { input: "pixel_values", output: "image_embeds" };

let cacheDir: string;
let hub: FakeHub;
let files: Map<string, Uint8Array>;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "vlmopt-mobileclip-test-"));
  const src = join(cacheDir, "src");
  await mkdir(join(src, "onnx"), { recursive: true });
  const tw = randomClipWeights("text", ARCH, 1234);
  const vw = randomClipWeights("vision", ARCH, 1235);
  const towers: Record<string, Uint8Array> = {};
  for (const [sfx, emit] of [
    ["", undefined],
    ["_quantized", DYNAMIC_INT8_EMITTER],
  ] as const) {
    await buildTextGraph(ARCH, tw, TEXT_IO, emit).writeTo(join(src, `onnx/text_model${sfx}.onnx`));
    await buildVisionGraph(ARCH, vw, VISION_IO, emit).writeTo(join(src, `onnx/vision_model${sfx}.onnx`));
    towers[`text${sfx}`] = new Uint8Array(await readFile(join(src, `onnx/text_model${sfx}.onnx`)));
    towers[`vision${sfx}`] = new Uint8Array(await readFile(join(src, `onnx/vision_model${sfx}.onnx`)));
  }
  await writeClipTokenizer(join(src, "tokenizer.json"), {});
  const text = (s: string) => new TextEncoder().encode(s);
  files = new Map<string, Uint8Array>([
    [".gitattributes", text("*.onnx filter=lfs diff=lfs merge=lfs -text\n")],
    ["LICENSE", text("Apple MobileCLIP license (stand-in)\n")],
    ["README.md", text("---\nlibrary_name: transformers.js\n---\n")],
    ["config.json", text(JSON.stringify({ model_type: "clip" }))],
    [
      "preprocessor_config.json",
      text(
        JSON.stringify({
          crop_size: { height: 256, width: 256 },
          do_center_crop: true,
          do_normalize: false,
          do_rescale: true,
          do_resize: true,
          feature_extractor_type: "CLIPFeatureExtractor",
          resample: 2,
          rescale_factor: 1 / 255,
          size: { shortest_edge: 256 },
        }),
      ),
    ],
    ["tokenizer.json", new Uint8Array(await readFile(join(src, "tokenizer.json")))],
    [
      "tokenizer_config.json",
      text(
        JSON.stringify({
          bos_token: "<|startoftext|>",
          eos_token: "<|endoftext|>",
          pad_token: "!",
          model_max_length: 77,
          tokenizer_class: "CLIPTokenizer",
        }),
      ),
    ],
  ]);
  // The int8/q4/bnb4 variants are served as copies of the quantized graph, fp16 as the fp32 one
  // (only the requested dtype is downloaded).
  for (const sfx of SUFFIXES) {
    const kind = sfx === "" || sfx === "_fp16" ? "" : "_quantized";
    files.set(`onnx/text_model${sfx}.onnx`, towers[`text${kind}`] as Uint8Array);
    files.set(`onnx/vision_model${sfx}.onnx`, towers[`vision${kind}`] as Uint8Array);
  }
  hub = await startFakeHub(REPO, files);
});
afterAll(async () => {
  await hub.close();
  await rm(cacheDir, { recursive: true, force: true });
});

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>, n: number) => {
  let m = 0;
  for (let j = 0; j < n; j++) m = Math.max(m, Math.abs((a[j] as number) - (b[j] as number)));
  return m;
};

describe("mobileclip-s0 (Xenova/mobileclip_s0's file list on a hub stand-in)", () => {
  it("is listed with its repo and layout", () => {
    expect(listModels().find((m) => m.id === "mobileclip-s0")).toMatchObject({
      hfRepo: REPO,
      layout: "transformers.js",
      dims: 512,
      padToContext: true,
    });
  });

  it("loads by its short id: input_ids only, texts padded to 77 with the pad token, 256 px without mean/std, bilinear", async () => {
    const enc = await loadClipEncoder("mobileclip-s0", {
      endpoint: hub.endpoint,
      hubCacheDir: join(cacheDir, "hub"),
      cacheDir,
      threads: 1,
    });
    try {
      expect(enc.id).toBe("mobileclip-s0");
      const got = hub.requests.map((r) => r.url.replace(`/${REPO}/resolve/main/`, ""));
      for (const f of ["onnx/text_model.onnx", "onnx/vision_model.onnx", "tokenizer_config.json"])
        expect(got.some((u) => u.startsWith(f))).toBe(true);
      // Only the fp32 towers are fetched, not the other variants or README/LICENSE.
      expect(got.some((u) => /_(fp16|quantized|int8|q4|bnb4|uint8)\.onnx/.test(u) || u === "LICENSE")).toBe(
        false,
      );
      expect(enc.tokenizer.contextLength).toBe(77);
      expect(enc.tokenizer.padId).toBe(0); // "!" in CLIP's vocabulary, open_clip's pad id
      const batch = enc.tokenizer.padRows([enc.tokenizer.encode("a cat")]);
      expect(batch.sequenceLength).toBe(77);
      expect(Number(batch.ids[76])).toBe(0);
      expect(enc.preprocess).toMatchObject({
        shortestEdge: 256,
        cropWidth: 256,
        doNormalize: false,
        resample: "bilinear",
      });
      expect(enc.graphs.text).toMatchObject({ input: "input_ids", output: "text_embeds" });
      expect(enc.graphs.vision).toMatchObject({ input: "pixel_values", output: "image_embeds" });

      // Texts: the full-attention tower over the row padded to 77 with id 0, pooled at the end token.
      const tw = randomClipWeights("text", ARCH, 1234);
      const texts = ["a photo of a cat.", "x"];
      const t = await enc.embedTexts(texts);
      texts.forEach((s, i) => {
        const row = Array.from(enc.tokenizer.padRows([enc.tokenizer.encode(s)]).ids, Number);
        const ref = referenceTextEmbedding(ARCH, tw, row, { causal: false });
        expect(maxDiff(t.data.subarray(i * enc.dim), ref, enc.dim)).toBeLessThan(1e-4);
      });
      // Images: rescaled to [0, 1] only, bilinear resize of the short side to 256, centre crop.
      const vw = randomClipWeights("vision", ARCH, 1235);
      const img = await gradientImage(300, 200, "png", 4);
      const v = await enc.embedImages([img]);
      const { rgb, width, height } = await decodeAndCrop(img, enc.preprocess);
      expect([width, height]).toEqual([256, 256]);
      const chw = new Float32Array(3 * 256 * 256);
      normalizeToChw(rgb, width, height, enc.preprocess, chw, 0);
      expect(chw[0]).toBeCloseTo((rgb[0] as number) / 255, 6);
      expect(maxDiff(v.data, referenceImageEmbedding(ARCH, vw, chw), enc.dim)).toBeLessThan(1e-4);
    } finally {
      await enc.dispose();
    }
  });

  it("loads @quantized from onnx/*_quantized.onnx", async () => {
    const before = hub.requests.length;
    const enc = await loadClipEncoder("mobileclip-s0@quantized", {
      endpoint: hub.endpoint,
      hubCacheDir: join(cacheDir, "hub"),
      cacheDir,
      threads: 1,
    });
    try {
      const got = hub.requests.slice(before).map((r) => r.url);
      expect(got.some((u) => u.includes("onnx/text_model_quantized.onnx"))).toBe(true);
      expect(got.some((u) => u.includes("onnx/vision_model_quantized.onnx"))).toBe(true);
      expect((await enc.embedTexts(["a cat"])).count).toBe(1);
    } finally {
      await enc.dispose();
    }
  });
});
