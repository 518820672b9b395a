import { existsSync } from "node:fs";
import { lstat, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModelLoadError, sha256Hex } from "@vlmopt/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateTinyClip } from "./generate-clip-model.js";
import { downloadModel, downloadRepoFiles } from "./hf-hub-download.js";
import { FAKE_COMMIT, type FakeHub, startFakeHub } from "./hub-test-server.js";
import { loadClipEncoder } from "./load-clip-encoder.js";
import { clipModelPaths } from "./model-files.js";

const REPO = "acme/tiny-clip";
let root: string;
let hub: FakeHub;
let hubCache: string;
let files: Map<string, Uint8Array>;
let n = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vlmopt-hub-test-"));
  await generateTinyClip(join(root, "model"), { builtTokenizer: true });
  files = new Map();
  for (const p of clipModelPaths()) files.set(p, new Uint8Array(await readFile(join(root, "model", p))));
  hub = await startFakeHub(REPO, files);
});
afterAll(async () => {
  await hub.close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => {
  hubCache = join(root, `hub-${n++}`);
  hub.requests.length = 0;
});

const opts = () => ({ endpoint: hub.endpoint, hubCacheDir: hubCache, env: {} as NodeJS.ProcessEnv });

describe("HF hub download against a local fake hub", () => {
  it("downloads into the HF cache layout, verifying checksums, and re-uses it", async () => {
    const result = await downloadModel(REPO, opts());
    const folder = join(hubCache, "models--acme--tiny-clip");
    expect(result.dir).toBe(join(folder, "snapshots", FAKE_COMMIT));
    expect((await readFile(join(folder, "refs/main"), "utf8")).trim()).toBe(FAKE_COMMIT);
    expect(result.files.map((f) => f.path)).toEqual(clipModelPaths());
    for (const f of result.files) {
      const data = files.get(f.path) as Uint8Array;
      expect(f.sha256).toBe(sha256Hex(data));
      expect(f.bytes).toBe(data.length);
      expect((await lstat(join(result.dir, f.path))).isSymbolicLink()).toBe(true);
      expect(sha256Hex(await readFile(join(result.dir, f.path)))).toBe(f.sha256);
    }
    // The .onnx files went through the redirect to the CDN path.
    expect(hub.requests.some((r) => r.url.startsWith("/cdn/"))).toBe(true);
    const blobs = await readdir(join(folder, "blobs"));
    expect(blobs.some((b) => b.endsWith(".incomplete"))).toBe(false);
    hub.requests.length = 0;
    await downloadModel(REPO, opts());
    // Only the file listing (the layout) is asked for again; no file is fetched twice.
    expect(hub.requests.filter((r) => r.method === "GET").map((r) => r.url)).toEqual([
      `/api/models/${REPO}/revision/main`,
    ]);
  });

  it("a 404 is a clear ModelLoadError naming repo, file and revision", async () => {
    const err = await downloadModel(`${REPO}@fp16`, opts()).catch((e: unknown) => e);
    expect(ModelLoadError.isInstance(err)).toBe(true);
    expect((err as Error).message).toMatch(
      /acme\/tiny-clip has no file onnx\/text_model_fp16\.onnx at revision main \(HTTP 404/,
    );
  });

  it("resumes a transfer cut mid-file with a Range request", async () => {
    hub.cutOnce.add("onnx/vision_model.onnx");
    const result = await downloadModel(REPO, opts());
    const vision = result.files.find((f) => f.path === "onnx/vision_model.onnx");
    expect(vision?.sha256).toBe(sha256Hex(files.get("onnx/vision_model.onnx") as Uint8Array));
    const ranged = hub.requests.filter((r) => r.range && r.url.startsWith("/cdn/"));
    expect(ranged.length).toBe(1);
    expect(ranged[0]?.range).toMatch(/^bytes=[1-9]\d*-$/);
  });

  it("rejects a checksum mismatch and leaves no partial file", async () => {
    hub.corrupt.add("onnx/text_model.onnx");
    try {
      await expect(downloadModel(REPO, opts())).rejects.toThrow(
        /Checksum mismatch for acme\/tiny-clip\/onnx\/text_model\.onnx/,
      );
    } finally {
      hub.corrupt.clear();
    }
    const blobs = join(hubCache, "models--acme--tiny-clip", "blobs");
    expect((await readdir(blobs)).filter((b) => b.endsWith(".incomplete"))).toEqual([]);
    // A non-LFS file is checked against its git blob sha1.
    hub.corrupt.add("tokenizer.json");
    try {
      await expect(downloadRepoFiles(REPO, ["tokenizer.json"], opts())).rejects.toThrow(/Checksum mismatch/);
    } finally {
      hub.corrupt.clear();
    }
  });

  it("honours HF_HUB_OFFLINE=1: cache only, clear error when absent", async () => {
    const offline = { ...opts(), env: { HF_HUB_OFFLINE: "1" } };
    await expect(downloadModel(REPO, offline)).rejects.toThrow(/Offline \(HF_HUB_OFFLINE\)/);
    expect(hub.requests).toEqual([]);
    await downloadModel(REPO, opts());
    hub.requests.length = 0;
    const again = await downloadModel(REPO, offline);
    expect(again.files.length).toBe(5);
    expect(hub.requests).toEqual([]);
  });

  it("sends HF_TOKEN as a bearer token", async () => {
    await downloadRepoFiles(REPO, ["config.json"], { ...opts(), env: { HF_TOKEN: "hf_test123" } });
    expect(hub.requests.length).toBeGreaterThan(0);
    expect(hub.requests.every((r) => r.authorization === "Bearer hf_test123")).toBe(true);
  });

  it("maps registry ids to their HF repo and dtype file names", async () => {
    await expect(downloadModel("clip-vit-b32@quantized", opts())).rejects.toSatisfy(
      ModelLoadError.isInstance,
    );
    expect(hub.requests[0]?.url).toBe(
      "/Xenova/clip-vit-base-patch32/resolve/main/onnx/text_model_quantized.onnx",
    );
  });

  it("loadClipEncoder loads a HF repo id end to end", async () => {
    const enc = await loadClipEncoder(REPO, { ...opts(), cacheDir: join(root, "vlmopt"), threads: 1 });
    expect(enc.id).toBe("hf:acme/tiny-clip");
    expect((await enc.embedTexts(["a cat"])).count).toBe(1);
    await enc.dispose();
    expect(existsSync(join(hubCache, "models--acme--tiny-clip", "refs", "main"))).toBe(true);
  });
});
