import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { extractFeatures, imageFeatureKey, type LabeledImage, sha256Hex } from "@vlmopt/core";
import { HashEncoder } from "@vlmopt/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildPackageIfStale } from "./build-for-tests.js";
import { DiskEmbeddingCache, FEATURE_STORE_FILES } from "./disk-embedding-cache.js";
import { FeatureStoreError } from "./feature-store-error.js";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");

let dir: string;
const open: DiskEmbeddingCache[] = [];
function store(at = dir): DiskEmbeddingCache {
  const c = new DiskEmbeddingCache({ dir: at });
  open.push(c);
  return c;
}
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "vlmopt-store-test-"));
});
afterEach(async () => {
  for (const c of open.splice(0)) await c.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

/** Writes one vector in the format of the cache vlmopt used before the store (header + floats). */
async function writeLegacyVector(at: string, key: string, values: Float32Array): Promise<string> {
  const hash = sha256Hex(key);
  const bytes = Buffer.alloc(40 + values.length * 4);
  bytes.writeUInt32LE(0x564c4d45, 0);
  bytes.writeUInt32LE(values.length, 4);
  Buffer.from(hash, "hex").copy(bytes, 8);
  values.forEach((v, i) => {
    bytes.writeFloatLE(v, 40 + i * 4);
  });
  await mkdir(join(at, hash.slice(0, 2)), { recursive: true });
  const file = join(at, hash.slice(0, 2), `${hash}.f32`);
  await writeFile(file, bytes);
  return file;
}

describe("DiskEmbeddingCache (the feature store)", () => {
  it("stores and returns vectors across instances, by opaque key, long keys included", async () => {
    const key = "clip-vit-b32:abc:image:/weird key/with:colons";
    const long = `model:${"x".repeat(3000)}:image:1`;
    const v = Float32Array.from([0.5, -1.25, 3e-8, 1]);
    const a = store();
    await a.put(key, v);
    await a.put(long, Float32Array.of(7, 8));
    await a.close();
    const b = store();
    expect(Array.from((await b.match(key)) ?? [])).toEqual(Array.from(v));
    expect(Array.from((await b.match(long)) ?? [])).toEqual([7, 8]);
    expect(await b.match("other")).toBeUndefined();
    expect(readdirSync(dir).sort()).toEqual(
      [FEATURE_STORE_FILES.index, `${FEATURE_STORE_FILES.index}-lock`, FEATURE_STORE_FILES.vectors].sort(),
    );
  });

  it("matchMany fills rows of one matrix; a vector of the wrong length is a miss and its row stays untouched", async () => {
    const c = store();
    await c.putMany([
      ["a", Float32Array.of(1, 2, 3)],
      ["b", Float32Array.of(4, 5, 6)],
      ["short", Float32Array.of(9, 9)],
    ]);
    const into = new Float32Array(4 * 3).fill(-1);
    const found = await c.matchMany(["b", "short", "a", "nope"], into);
    expect(Array.from(found)).toEqual([1, 0, 1, 0]);
    expect(Array.from(into)).toEqual([4, 5, 6, -1, -1, -1, 1, 2, 3, -1, -1, -1]);
  });

  it("overwrites a key in place (same length: the file does not grow; last put of a batch wins)", async () => {
    const c = store();
    await c.putMany([["k", Float32Array.of(1, 1)]]);
    const size = statSync(c.vectorsPath).size;
    await c.putMany([
      ["k", Float32Array.of(2, 2)],
      ["k", Float32Array.of(3, 3)],
    ]);
    await Promise.all(Array.from({ length: 20 }, (_, i) => c.put("same", Float32Array.of(i, i))));
    expect(Array.from((await c.match("k")) ?? [])).toEqual([3, 3]);
    const same = await c.match("same");
    expect(same?.[0]).toBe(same?.[1]);
    expect(statSync(c.vectorsPath).size).toBe(size + 8);
  });

  it("a large split read again comes from its manifest, which a moved key or a changed file record invalidates", async () => {
    const c = store();
    const keys = Array.from({ length: 300 }, (_, i) => `m${i}`);
    await c.putMany(keys.map((k, i) => [k, Float32Array.of(i, -i)] as const));
    for (let pass = 0; pass < 2; pass++) {
      const into = new Float32Array(600);
      expect((await c.matchMany(keys, into)).every((f) => f === 1)).toBe(true);
      expect([into[2 * 299], into[2 * 299 + 1]]).toEqual([299, -299]);
    }
    // Same length: rewritten in place, the manifest stays right.
    await c.putMany([["m5", Float32Array.of(50, 50)]]);
    const again = new Float32Array(600);
    await c.matchMany(keys, again);
    expect([again[10], again[11]]).toEqual([50, 50]);
    // Another length: the key moves, and the old manifest must not serve its old offset.
    await c.putMany([["m7", Float32Array.of(1, 2, 3)]]);
    const moved = new Float32Array(600).fill(-9);
    const found = await c.matchMany(keys, moved);
    expect(found[7]).toBe(0);
    expect([moved[14], moved[15]]).toEqual([-9, -9]);
    expect(found.reduce((a, b) => a + b, 0)).toBe(299);

    const paths = Array.from({ length: 300 }, (_, i) => `/imgs/${i}.png`);
    await c.rememberHashes(
      paths.map((path, i) => ({ path, size: i, mtimeMs: i, ino: i, sha256: sha256Hex(path) })),
    );
    expect((await c.recallHashes(paths))[9]?.size).toBe(9);
    expect((await c.recallHashes(paths))[9]?.size).toBe(9);
    await c.rememberHashes([
      { path: "/imgs/9.png", size: 1000, mtimeMs: 1, ino: 1, sha256: sha256Hex("new") },
    ]);
    const after = await c.recallHashes(paths);
    expect(after[9]).toMatchObject({ size: 1000, sha256: sha256Hex("new") });
    expect(after[10]?.size).toBe(10);
  });

  it("remembers content hashes by path with size, mtime and inode (ContentHashMemo)", async () => {
    const c = store();
    const record = { path: "/data/a.png", size: 10, mtimeMs: 1234.5678, ino: 99, sha256: sha256Hex("a") };
    await c.rememberHashes([record]);
    await c.close();
    expect(await store().recallHashes(["/data/a.png", "/data/b.png"])).toEqual([record, undefined]);
  });

  it("with extractFeatures: a warm run reads 0 image bytes; a file replaced under the same name is re-hashed and re-encoded", async () => {
    const images: LabeledImage[] = [];
    for (let i = 0; i < 12; i++) {
      const path = join(dir, `img${i}.bin`);
      await writeFile(path, `pixels ${i}`);
      images.push({ path, label: i % 2 });
    }
    const encoder = new HashEncoder({ dim: 16 });
    const cacheDir = join(dir, "features");
    const cold = await extractFeatures(encoder, images, { cache: store(cacheDir), chunkSize: 5 });
    let read = 0;
    const warm = await extractFeatures(encoder, images, {
      cache: store(cacheDir),
      onImageRead: (r) => {
        read += r.bytes;
      },
    });
    expect(read).toBe(0);
    expect(encoder.imagesEncoded).toBe(12);
    expect(Array.from(warm.features.data)).toEqual(Array.from(cold.features.data));
    const target = (images[7] as LabeledImage).path;
    await writeFile(`${target}.tmp`, "other pixels");
    await rename(`${target}.tmp`, target);
    const after = await extractFeatures(encoder, images, { cache: store(cacheDir) });
    expect(encoder.imagesEncoded).toBe(13);
    const expected = await new HashEncoder({ dim: 16 }).embedImages([Buffer.from("other pixels")]);
    expect(Array.from(after.features.data.subarray(7 * 16, 8 * 16))).toEqual(Array.from(expected.data));
  });

  it("migrates an old one-file-per-vector cache in place: nothing is re-encoded and the old files are gone", async () => {
    const images: LabeledImage[] = [];
    const encoder = new HashEncoder({ dim: 16 });
    const legacyFiles: string[] = [];
    for (let i = 0; i < 6; i++) {
      const path = join(dir, `old${i}.bin`);
      const bytes = Buffer.from(`old image ${i}`);
      await writeFile(path, bytes);
      images.push({ path, label: 0 });
      const v = (await new HashEncoder({ dim: 16 }).embedImages([bytes])).data;
      legacyFiles.push(
        await writeLegacyVector(join(dir, "features"), imageFeatureKey(encoder, sha256Hex(bytes)), v),
      );
    }
    // A text feature of the old cache, read through match().
    await writeLegacyVector(join(dir, "features"), "text-key", Float32Array.of(1, 2));
    const cache = store(join(dir, "features"));
    const out = await extractFeatures(encoder, images, { cache });
    expect(encoder.imagesEncoded).toBe(0);
    const direct = await new HashEncoder({ dim: 16 }).embedImages(
      images.map((i) => i.path).map((_, k) => Buffer.from(`old image ${k}`)),
    );
    expect(Array.from(out.features.data)).toEqual(Array.from(direct.data));
    expect(Array.from((await cache.match("text-key")) ?? [])).toEqual([1, 2]);
    expect(legacyFiles.some((f) => existsSync(f))).toBe(false);
    expect(readdirSync(join(dir, "features")).filter((n) => /^[0-9a-f]{2}$/.test(n))).toEqual([]);
    await cache.close();
    // A later process finds the promoted entries under their keys.
    await extractFeatures(encoder, images, { cache: store(join(dir, "features")) });
    expect(encoder.imagesEncoded).toBe(0);
  });

  it("names the file and how to rebuild for a corrupt index, a truncated index and a truncated vector file", async () => {
    const c = store();
    await c.putMany(Array.from({ length: 300 }, (_, i) => [`k${i}`, new Float32Array(256).fill(i)] as const));
    await c.close();
    const index = join(dir, FEATURE_STORE_FILES.index);
    const vectors = join(dir, FEATURE_STORE_FILES.vectors);
    const bytes = statSync(index).size;
    await truncate(vectors, 1000);
    const err = await store()
      .match("k1")
      .catch((e: unknown) => e);
    expect(FeatureStoreError.isInstance(err)).toBe(true);
    expect((err as FeatureStoreError).toDisplayString()).toMatch(
      new RegExp(
        `${vectors.replaceAll("/", "\\/")} is truncated.*delete the folder ${dir.replaceAll("/", "\\/")} to rebuild it`,
      ),
    );
    await truncate(index, Math.floor(bytes / 2));
    await expect(store().match("k1")).rejects.toThrow(`feature store ${index} is truncated`);
    await writeFile(index, Buffer.alloc(20000, 7));
    await expect(store().match("k1")).rejects.toThrow(`feature store ${index} is not an LMDB file`);
  });
});

describe("DiskEmbeddingCache across processes", () => {
  it("concurrent writer processes (shared and own keys) lose nothing and overlap no vector", async () => {
    const dist = buildPackageIfStale("dist/index.js", ["src/disk-embedding-cache.ts"]);
    const vec =
      "(key) => Float32Array.from({ length: 32 }, (_, j) => key.charCodeAt(j % key.length) * (j + 1) + key.length)";
    const child = (w: number) => `
      const { DiskEmbeddingCache } = await import(${JSON.stringify(pathToFileURL(dist).href)});
      const vec = ${vec};
      const c = new DiskEmbeddingCache({ dir: ${JSON.stringify(dir)} });
      for (let b = 0; b < 15; b++) {
        const entries = [];
        for (let j = 0; j < 20; j++) {
          const i = b * 20 + j;
          const key = i < 100 ? "shared:" + i : "w${w}:" + i;
          entries.push([key, vec(key)]);
        }
        await c.putMany(entries);
        await c.rememberHashes([{ path: "/img/w${w}/" + b, size: b, mtimeMs: b, ino: ${w}, sha256: "ab".repeat(32) }]);
      }
      await c.close();
    `;
    const writers = 3;
    await Promise.all(
      Array.from(
        { length: writers },
        (_, w) =>
          new Promise<void>((resolve, reject) =>
            execFile(
              process.execPath,
              ["--input-type=module", "-e", child(w)],
              { cwd: pkgDir },
              (error, _out, stderr) =>
                error ? reject(new Error(`writer ${w}: ${stderr || error.message}`)) : resolve(),
            ),
          ),
      ),
    );
    const keys = Array.from({ length: 100 }, (_, i) => `shared:${i}`);
    for (let w = 0; w < writers; w++) for (let i = 100; i < 300; i++) keys.push(`w${w}:${i}`);
    const make = new Function(`return ${vec}`)() as (key: string) => Float32Array;
    const c = store();
    const into = new Float32Array(keys.length * 32);
    const found = await c.matchMany(keys, into);
    expect(found.every((f) => f === 1)).toBe(true);
    keys.forEach((key, i) => {
      expect(Array.from(into.subarray(i * 32, (i + 1) * 32))).toEqual(Array.from(make(key)));
    });
    // Every distinct key has its own 128 bytes; a shared key overwritten in place adds none.
    expect(statSync(c.vectorsPath).size).toBe(keys.length * 32 * 4);
    const memo = await c.recallHashes(Array.from({ length: writers }, (_, w) => `/img/w${w}/14`));
    expect(memo.map((m) => m?.ino)).toEqual([0, 1, 2]);
  }, 120_000);
});
