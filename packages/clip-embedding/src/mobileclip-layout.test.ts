import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTinyClip } from "./generate-clip-model.js";
import { type FakeHub, startFakeHub } from "./hub-test-server.js";
import { loadClipEncoder } from "./load-clip-encoder.js";
import { listFolder } from "./model-layouts.js";
import { listModels } from "./model-registry.js";

// The short id mobileclip-s0 against a local hub stand-in serving a generated model in
// Xenova/mobileclip_s0's transformers.js layout under that repo name.
let cacheDir: string;
let hub: FakeHub;
let src: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "vlmopt-mobileclip-test-"));
  src = join(cacheDir, "src");
  await generateTinyClip(src);
  const files = new Map<string, Uint8Array>();
  for (const p of listFolder(src))
    if (!p.startsWith("vlmopt-")) files.set(p, new Uint8Array(await readFile(join(src, p))));
  hub = await startFakeHub("Xenova/mobileclip_s0", files);
});
afterAll(async () => {
  await hub.close();
  await rm(cacheDir, { recursive: true, force: true });
});

describe("mobileclip-s0", () => {
  it("is listed with its repo and layout", () => {
    expect(listModels().find((m) => m.id === "mobileclip-s0")).toMatchObject({
      hfRepo: "Xenova/mobileclip_s0",
      layout: "transformers.js",
      dims: 512,
      padToContext: true,
    });
  });

  it("loads by its short id from the hub, and pads every text to the context length", async () => {
    const enc = await loadClipEncoder("mobileclip-s0", {
      endpoint: hub.endpoint,
      hubCacheDir: join(cacheDir, "hub"),
      cacheDir,
      threads: 1,
    });
    try {
      expect(enc.id).toBe("mobileclip-s0");
      expect(
        hub.requests.some((r) => r.url.startsWith("/Xenova/mobileclip_s0/resolve/main/onnx/text_model.onnx")),
      ).toBe(true);
      const batch = enc.tokenizer.padRows([enc.tokenizer.encode("a cat")]);
      expect(batch.sequenceLength).toBe(enc.tokenizer.contextLength);
      expect((await enc.embedTexts(["a cat", "a photo of a dog"])).count).toBe(2);
    } finally {
      await enc.dispose();
    }
    // The same folder loaded by path (a CLIP export) pads to the longest text only.
    const plain = await loadClipEncoder(src, { cacheDir, threads: 1 });
    try {
      const batch = plain.tokenizer.padRows([plain.tokenizer.encode("a cat")]);
      expect(batch.sequenceLength).toBeLessThan(plain.tokenizer.contextLength);
    } finally {
      await plain.dispose();
    }
  });
});
