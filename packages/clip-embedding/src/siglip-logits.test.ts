import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTinySiglip } from "./generate-openclip-model.js";
import { startFakeHub } from "./hub-test-server.js";
import { loadClipEncoder } from "./load-clip-encoder.js";
import { listFolder } from "./model-layouts.js";
import { matchProbabilities } from "./scoring.js";
import { decodeScalar, readSafetensorsScalars } from "./siglip-logits.js";

const EXPORT = "Xenova/siglip-base-patch16-224";
const CKPT = "google/siglip-base-patch16-224";

/** A safetensors file (8-byte LE header size, JSON header, data; offsets from the header's end). */
function safetensors(
  tensors: { name: string; dtype: string; shape: number[]; data: Uint8Array }[],
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: "pt" } };
  let off = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [off, off + t.data.length] };
    off += t.data.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let p = 8 + json.length;
  for (const t of tensors) {
    out.set(t.data, p);
    p += t.data.length;
  }
  return out;
}
const f32 = (x: number) => new Uint8Array(Float32Array.of(x).buffer);
/** bfloat16: the top half of the float32 (exact for values with <= 8 significant bits). */
const bf16 = (x: number) => f32(x).subarray(2, 4);
const f16 = (bits: number) => Uint8Array.of(bits & 255, bits >> 8);

// log(117.33) as float32, and a bias exactly representable in bf16.
const LOGIT_SCALE = Math.fround(Math.log(117.33));
const LOGIT_BIAS = -12.875;
const BIG = new Uint8Array(64 * 1024).fill(7); // a "weight" that must not be downloaded

function checkpoint(withBias = true): Uint8Array {
  return safetensors([
    { name: "vision_model.weight", dtype: "F32", shape: [BIG.length / 4], data: BIG },
    { name: "logit_scale", dtype: "F32", shape: [1], data: f32(LOGIT_SCALE) },
    ...(withBias ? [{ name: "logit_bias", dtype: "BF16", shape: [1], data: bf16(LOGIT_BIAS) }] : []),
  ]);
}

let root: string;
let exportFiles: Map<string, Uint8Array>;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vlmopt-siglip-logits-"));
  const dir = join(root, "src");
  await generateTinySiglip(dir);
  exportFiles = new Map();
  for (const p of listFolder(dir)) {
    if (p.startsWith("vlmopt-")) continue;
    let data = new Uint8Array(await readFile(join(dir, p)));
    if (p === "config.json") {
      // As in the real Xenova export: no logit_scale / logit_bias in config.json.
      const cfg = JSON.parse(new TextDecoder().decode(data)) as Record<string, unknown>;
      delete cfg.logit_scale;
      delete cfg.logit_bias;
      data = new TextEncoder().encode(JSON.stringify(cfg));
    }
    exportFiles.set(p, data);
  }
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe("safetensors scalars by HTTP Range", () => {
  it("decodes F32, BF16 and F16", () => {
    expect(decodeScalar("F32", f32(1.5))).toBe(1.5);
    expect(decodeScalar("BF16", bf16(-12.875))).toBe(-12.875);
    expect(decodeScalar("F16", f16(0xc000))).toBe(-2);
    expect(decodeScalar("F16", f16(0x3c00))).toBe(1);
    expect(decodeScalar("F16", f16(0x3555))).toBeCloseTo(0.33325, 5);
  });

  it("reads an F32 and a BF16 scalar fetching only the header and their bytes", async () => {
    const file = checkpoint();
    const hub = await startFakeHub(CKPT, new Map([["model.safetensors", file]]));
    try {
      const got = await readSafetensorsScalars(CKPT, "model.safetensors", ["logit_scale", "logit_bias"], {
        endpoint: hub.endpoint,
        token: "hf_test",
      });
      expect(got.logit_scale).toBe(LOGIT_SCALE);
      expect(got.logit_bias).toBe(LOGIT_BIAS);
      // The bytes served: the CDN requests (each resolve request redirects there, Range kept).
      const gets = hub.requests.filter((r) => r.method === "GET" && r.url.startsWith("/cdn/"));
      expect(gets.length).toBe(4);
      // Every request is a closed Range; all together far less than the file.
      for (const r of gets) expect(r.range).toMatch(/^bytes=\d+-\d+$/);
      const bytes = gets
        .map((r) => /^bytes=(\d+)-(\d+)$/.exec(r.range ?? "") as RegExpExecArray)
        .reduce((a, m) => a + Number(m[2]) - Number(m[1]) + 1, 0);
      const headerLen = Number(new DataView(file.buffer).getBigUint64(0, true));
      expect(bytes).toBe(8 + headerLen + 4 + 2);
      expect(bytes).toBeLessThan(file.length / 50);
      expect(gets.some((r) => r.range === "bytes=0-7")).toBe(true);
      expect(
        hub.requests.every((r) => r.authorization === "Bearer hf_test" || r.url.startsWith("/cdn/")),
      ).toBe(true);
    } finally {
      await hub.close();
    }
  });

  it("a missing tensor is a clear error naming the file and tensor", async () => {
    const hub = await startFakeHub(CKPT, new Map([["model.safetensors", checkpoint(false)]]));
    try {
      await expect(
        readSafetensorsScalars(CKPT, "model.safetensors", ["logit_scale", "logit_bias"], {
          endpoint: hub.endpoint,
        }),
      ).rejects.toThrow(/google\/siglip-base-patch16-224\/model\.safetensors has no tensor "logit_bias"/);
    } finally {
      await hub.close();
    }
  });
});

describe("siglip-b16 gets its scale and bias from the original checkpoint", () => {
  it("reads them by Range, records the source, caches them, and an offline load uses the cache", async () => {
    const hub = await startFakeHub(EXPORT, exportFiles, {
      extraRepos: { [CKPT]: new Map([["model.safetensors", checkpoint()]]) },
    });
    const hubCacheDir = join(root, "hub-ok");
    const opts = { endpoint: hub.endpoint, hubCacheDir, cacheDir: root, threads: 1 };
    try {
      const enc = await loadClipEncoder("siglip-b16", opts);
      const want = {
        kind: "sigmoid",
        logitScale: Math.exp(LOGIT_SCALE),
        logitBias: LOGIT_BIAS,
        source: `${CKPT}/model.safetensors@main`,
      };
      expect(enc.scoring).toEqual(want);
      await enc.dispose();
      const ckptGets = hub.requests.filter((r) => r.method === "GET" && r.url.includes("/cdn/"));
      expect(ckptGets.length).toBeGreaterThan(0);
      const safetensorsReqs = hub.requests.filter((r) => r.url.includes(`${CKPT}/`));
      expect(safetensorsReqs.length).toBe(4); // 0-7, header, logit_scale, logit_bias
      for (const r of safetensorsReqs) expect(r.range).toMatch(/^bytes=\d+-\d+$/);
      expect(
        existsSync(
          join(hubCacheDir, "models--Xenova--siglip-base-patch16-224", "vlmopt", "siglip-logits.json"),
        ),
      ).toBe(true);

      const before = hub.requests.length;
      const offline = await loadClipEncoder("siglip-b16", { ...opts, offline: true });
      expect(offline.scoring).toEqual(want);
      const p = matchProbabilities(offline.scoring, [0.1]);
      expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-(Math.exp(LOGIT_SCALE) * 0.1 + LOGIT_BIAS))), 12);
      await offline.dispose();
      expect(hub.requests.length).toBe(before);
    } finally {
      await hub.close();
    }
  });

  it("a checkpoint without logit_bias, or offline with nothing cached, keeps the old hint", async () => {
    const hub = await startFakeHub(EXPORT, exportFiles, {
      extraRepos: { [CKPT]: new Map([["model.safetensors", checkpoint(false)]]) },
    });
    const hubCacheDir = join(root, "hub-nobias");
    const opts = { endpoint: hub.endpoint, hubCacheDir, cacheDir: root, threads: 1 };
    try {
      const enc = await loadClipEncoder("siglip-b16", opts);
      expect(enc.scoring).toEqual({ kind: "sigmoid", logitScale: undefined, logitBias: undefined });
      expect(() => matchProbabilities(enc.scoring, [0.1])).toThrow(
        /do not carry its learned logit scale and bias/,
      );
      await enc.dispose();
      expect(existsSync(join(hubCacheDir, "models--Xenova--siglip-base-patch16-224", "vlmopt"))).toBe(false);
      const before = hub.requests.length;
      const offline = await loadClipEncoder("siglip-b16", { ...opts, offline: true });
      expect(offline.scoring.kind === "sigmoid" && offline.scoring.logitScale).toBeUndefined();
      await offline.dispose();
      expect(hub.requests.length).toBe(before);
    } finally {
      await hub.close();
    }
  });
});
