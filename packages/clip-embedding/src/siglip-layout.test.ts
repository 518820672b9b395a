import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomClipWeights } from "./clip-architecture.js";
import { referenceImageEmbedding, referenceTextEmbedding } from "./clip-reference.js";
import {
  generateTinySiglip,
  TINY_SIGLIP_ARCHITECTURE,
  TINY_SIGLIP_SCORING,
} from "./generate-openclip-model.js";
import { type FakeHub, startFakeHub } from "./hub-test-server.js";
import { decodeAndCrop, normalizeToChw } from "./image-preprocess.js";
import { loadClipEncoder } from "./load-clip-encoder.js";
import { listFolder } from "./model-layouts.js";
import type { OnnxClipEncoder } from "./onnx-clip-encoder.js";
import { matchProbabilities } from "./scoring.js";
import { gradientImage } from "./test-images.js";
import { SP_EOS_ID } from "./tiny-sentencepiece.js";

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "vlmopt-siglip-test-"));
});
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>, n: number) => {
  let m = 0;
  for (let j = 0; j < n; j++) m = Math.max(m, Math.abs((a[j] as number) - (b[j] as number)));
  return m;
};

describe("random:tiny-siglip (Xenova SigLIP layout)", () => {
  let enc: OnnxClipEncoder;
  const arch = TINY_SIGLIP_ARCHITECTURE;
  beforeAll(async () => {
    enc = await loadClipEncoder("random:tiny-siglip", { cacheDir, threads: 1, maxTextBatch: 3 });
  });
  afterAll(() => enc.dispose());

  it("is read as SigLIP: SentencePiece tokens padded to 64 with </s> last, squash resize, mean = std = 0.5, sigmoid scoring", () => {
    expect(enc.layout).toBe("transformers.js");
    expect(enc.family).toBe("siglip");
    expect(enc.tokenizer.kind).toBe("sentencepiece");
    expect(enc.tokenizer.contextLength).toBe(64);
    const ids = enc.tokenizer.encode("a photo of the cat.");
    expect(ids.at(-1)).toBe(SP_EOS_ID);
    const batch = enc.tokenizer.padRows([ids, enc.tokenizer.encode("x")]);
    expect(batch.sequenceLength).toBe(64);
    expect(Number(batch.ids[63])).toBe(SP_EOS_ID); // pad_token "</s>" in tokenizer_config.json
    expect(enc.preprocess).toMatchObject({
      resizeMode: "squash",
      doCenterCrop: false,
      cropWidth: 64,
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
    });
    expect(enc.scoring).toEqual({ kind: "sigmoid", ...TINY_SIGLIP_SCORING, source: "config.json" });
  });

  it("text embeddings match the reference within 1e-4 (full attention over the padded row, last position)", async () => {
    const w = randomClipWeights("text", arch, 1234);
    const texts = ["a photo of the cat.", "x", "A satellite photo of a river!", "the dog ".repeat(40)];
    const got = await enc.embedTexts(texts);
    texts.forEach((t, i) => {
      const row = Array.from(enc.tokenizer.padRows([enc.tokenizer.encode(t)]).ids, Number);
      const ref = referenceTextEmbedding(arch, w, row, { causal: false, pooling: "last" });
      expect(maxDiff(got.data.subarray(i * enc.dim), ref, enc.dim)).toBeLessThan(1e-4);
    });
  });

  it("image embeddings (squashed, not cropped) match within 1e-4; a wide image is not centre-cropped", async () => {
    const w = randomClipWeights("vision", arch, 1235);
    const imgs = [await gradientImage(300, 120, "png", 1), await gradientImage(50, 90, "jpeg", 2)];
    const got = await enc.embedImages(imgs);
    const S = arch.vision.imageSize;
    for (let i = 0; i < imgs.length; i++) {
      const { rgb, width, height } = await decodeAndCrop(imgs[i] as Uint8Array, enc.preprocess);
      expect([width, height]).toEqual([S, S]);
      const chw = new Float32Array(3 * S * S);
      normalizeToChw(rgb, width, height, enc.preprocess, chw, 0);
      expect(chw[0]).toBeCloseTo(((rgb[0] as number) / 255 - 0.5) / 0.5, 5);
      const ref = referenceImageEmbedding(arch, w, chw);
      expect(maxDiff(got.data.subarray(i * enc.dim), ref, enc.dim)).toBeLessThan(1e-4);
    }
  });

  it("scores with the model's sigmoid(scale·cos + bias); the argmax is the cosine argmax", async () => {
    const t = await enc.embedTexts(["a photo of the cat.", "a photo of the dog.", "a river."]);
    const im = await enc.embedImages([await gradientImage(80, 80, "png", 3)]);
    const cos = [0, 1, 2].map((c) => {
      let s = 0;
      for (let j = 0; j < enc.dim; j++) s += (im.data[j] as number) * (t.data[c * enc.dim + j] as number);
      return s;
    });
    const p = matchProbabilities(enc.scoring, cos);
    for (const [i, c] of cos.entries()) expect(p[i]).toBeCloseTo(1 / (1 + Math.exp(-(10 * c - 2.5))), 10);
    expect(p.indexOf(Math.max(...p))).toBe(cos.indexOf(Math.max(...cos)));
  });
});

describe("Xenova SigLIP layout from a local hub stand-in", () => {
  let hub: FakeHub;
  const REPO = "Xenova/siglip-tiny-test";
  beforeAll(async () => {
    const dir = join(cacheDir, "siglip-src");
    await generateTinySiglip(dir);
    const files = new Map<string, Uint8Array>();
    for (const p of listFolder(dir))
      if (!p.startsWith("vlmopt-")) files.set(p, new Uint8Array(await readFile(join(dir, p))));
    hub = await startFakeHub(REPO, files);
  });
  afterAll(() => hub.close());

  it("is detected from the listing, downloaded with its tokenizer_config.json and scored as SigLIP", async () => {
    const enc = await loadClipEncoder(REPO, {
      endpoint: hub.endpoint,
      hubCacheDir: join(cacheDir, "hub"),
      cacheDir,
      threads: 1,
    });
    expect(enc.family).toBe("siglip");
    expect(enc.tokenizer.padId).toBe(SP_EOS_ID);
    expect(hub.requests.some((r) => r.url.endsWith("/tokenizer_config.json"))).toBe(true);
    expect((await enc.embedTexts(["a cat"])).count).toBe(1);
    await enc.dispose();
  });
});
