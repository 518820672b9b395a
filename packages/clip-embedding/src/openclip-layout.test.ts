import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RANDOM_WEIGHTS_WARNING } from "@vlmopt/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomClipWeights } from "./clip-architecture.js";
import { clipEncoderContract } from "./clip-encoder-contract.js";
import { referenceTextEmbedding } from "./clip-reference.js";
import { generateTinyRn } from "./generate-openclip-model.js";
import { FAKE_COMMIT, type FakeHub, startFakeHub } from "./hub-test-server.js";
import { decodeAndCrop, normalizeToChw } from "./image-preprocess.js";
import { loadClipEncoder } from "./load-clip-encoder.js";
import { listFolder } from "./model-layouts.js";
import type { OnnxClipEncoder } from "./onnx-clip-encoder.js";
import { randomResnetWeights, TINY_RN_ARCHITECTURE, textPart } from "./resnet-architecture.js";
import { referenceResnetImageEmbedding } from "./resnet-reference.js";
import { gradientImage } from "./test-images.js";

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "vlmopt-openclip-test-"));
});
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

const images = async () => [
  await gradientImage(300, 224, "jpeg", 1),
  await gradientImage(64, 64, "png", 2),
  await gradientImage(200, 320, "webp", 3),
  await gradientImage(90, 120, "png", 4, 4),
  await gradientImage(48, 40, "png", 5),
];

clipEncoderContract({
  name: "OnnxClipEncoder random:tiny-rn50 (immich OpenCLIP layout, batch-1 graphs)",
  makeEncoder: () =>
    loadClipEncoder("random:tiny-rn50", { cacheDir, threads: 1, maxTextBatch: 4, maxImageBatch: 3 }),
  images,
});

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>, n: number) => {
  let m = 0;
  for (let j = 0; j < n; j++) m = Math.max(m, Math.abs((a[j] as number) - (b[j] as number)));
  return m;
};

describe("random:tiny-rn50 (ModifiedResNet, immich layout) against the float64 reference", () => {
  let enc: OnnxClipEncoder;
  const arch = TINY_RN_ARCHITECTURE;
  beforeAll(async () => {
    enc = await loadClipEncoder("random:tiny-rn50", {
      cacheDir,
      threads: 1,
      maxTextBatch: 3,
      maxImageBatch: 4,
    });
  });
  afterAll(() => enc.dispose());

  it("is read as immich's OpenCLIP layout with its fixed batch of 1 and 77-token int32 text input", () => {
    expect(enc.layout).toBe("immich-openclip");
    expect(enc.family).toBe("clip");
    expect(enc.fixedBatch).toEqual({ text: 1, vision: 1 });
    expect(enc.warning).toBe(RANDOM_WEIGHTS_WARNING);
    expect(enc.dim).toBe(arch.projectionDim);
    expect(enc.preprocess).toMatchObject({ resizeMode: "shortest", cropHeight: 64, doCenterCrop: true });
    expect(enc.scoring).toEqual({ kind: "softmax", logitScale: 100 });
  });

  it("text embeddings match within 1e-4 (batches of 3 on a batch-1 graph, padding to 77)", async () => {
    const text = textPart(arch);
    const w = randomClipWeights("text", text, 1234);
    const texts = [
      "a photo of a cat.",
      "x",
      `a photo of ${"very ".repeat(100)}long prompt.`,
      "a satellite photo of a river.",
      "x",
    ];
    const got = await enc.embedTexts(texts);
    texts.forEach((t, i) => {
      const ref = referenceTextEmbedding(text, w, enc.tokenizer.encode(t));
      expect(maxDiff(got.data.subarray(i * enc.dim), ref, enc.dim)).toBeLessThan(1e-4);
    });
  });

  it("image embeddings match the ModifiedResNet reference within 1e-4 (5 images, batches of 4 on a batch-1 graph)", async () => {
    const w = randomResnetWeights(arch, 1235);
    const imgs = await images();
    const got = await enc.embedImages(imgs);
    const S = arch.vision.imageSize;
    for (let i = 0; i < imgs.length; i++) {
      const { rgb, width, height } = await decodeAndCrop(imgs[i] as Uint8Array, enc.preprocess);
      const chw = new Float32Array(3 * S * S);
      normalizeToChw(rgb, width, height, enc.preprocess, chw, 0);
      const ref = referenceResnetImageEmbedding(arch, w, chw);
      expect(maxDiff(got.data.subarray(i * enc.dim), ref, enc.dim)).toBeLessThan(1e-4);
    }
    expect(maxDiff(got.data, got.data.subarray(enc.dim), enc.dim)).toBeGreaterThan(1e-3);
  });
});

describe("immich OpenCLIP layout from a local hub stand-in", () => {
  let hub: FakeHub;
  const REPO = "immich-app/RN50__tiny-test";
  beforeAll(async () => {
    const dir = join(cacheDir, "tiny-rn-src");
    await generateTinyRn(dir, { builtTokenizer: true });
    const files = new Map<string, Uint8Array>();
    for (const p of listFolder(dir))
      if (!p.startsWith("vlmopt-")) files.set(p, new Uint8Array(await readFile(join(dir, p))));
    hub = await startFakeHub(REPO, files);
  });
  afterAll(() => hub.close());

  it("detects the layout from the hub's file listing, downloads its files and loads them", async () => {
    const hubCacheDir = join(cacheDir, "hub");
    const enc = await loadClipEncoder(REPO, { endpoint: hub.endpoint, hubCacheDir, cacheDir, threads: 1 });
    expect(enc.id).toBe(`hf:${REPO}`);
    expect(enc.layout).toBe("immich-openclip");
    expect((await enc.embedTexts(["a photo of a cat."])).count).toBe(1);
    await enc.dispose();
    expect(hub.requests[0]?.url).toBe(`/api/models/${REPO}/revision/main`);
    const snap = join(hubCacheDir, "models--immich-app--RN50__tiny-test", "snapshots", FAKE_COMMIT);
    expect(listFolder(snap).sort()).toEqual(
      [
        "config.json",
        "textual/model.onnx",
        "textual/tokenizer.json",
        "textual/tokenizer_config.json",
        "visual/model.onnx",
        "visual/preprocess_cfg.json",
      ].sort(),
    );
  });

  it("a repo in no known layout is one error naming it", async () => {
    const other = await startFakeHub(
      "acme/weights-only",
      new Map([["model.safetensors", new Uint8Array(4)]]),
    );
    try {
      await expect(
        loadClipEncoder("acme/weights-only", {
          endpoint: other.endpoint,
          hubCacheDir: join(cacheDir, "hub2"),
          cacheDir,
        }),
      ).rejects.toThrow(
        /HF repo acme\/weights-only is not in a known CLIP model layout \(it has: model\.safetensors\)/,
      );
    } finally {
      await other.close();
    }
  });
});
