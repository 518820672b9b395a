import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryContentHashMemo } from "./content-hash-memo.js";
import type { LabeledImage } from "./dataset.js";
import { type EmbeddingCache, MemoryEmbeddingCache } from "./embedding-cache.js";
import { extractFeatures, imageFeatureKey } from "./features.js";
import { sha256Hex } from "./hashing.js";
import { HashEncoder } from "./testing.js";

/** A memory cache with the bulk methods, counting its calls; optionally also the hash memo. */
class BulkCache extends MemoryEmbeddingCache {
  matchManyCalls = 0;
  putManyCalls = 0;
  async matchMany(keys: readonly string[], into: Float32Array): Promise<Uint8Array> {
    this.matchManyCalls++;
    const dim = into.length / keys.length;
    const found = new Uint8Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const v = await this.match(keys[i] as string);
      if (v && v.length === dim) {
        into.set(v, i * dim);
        found[i] = 1;
      }
    }
    return found;
  }
  async putMany(entries: readonly (readonly [string, Float32Array])[]): Promise<void> {
    this.putManyCalls++;
    for (const [k, v] of entries) await this.put(k, v);
  }
}

let dir: string;
let images: LabeledImage[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "vlmopt-features-"));
  images = [];
  for (let i = 0; i < 10; i++) {
    const path = join(dir, `img-${i}.bin`);
    await writeFile(path, `image ${i}`);
    images.push({ path, label: i % 3 });
  }
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function counted() {
  const reads: string[] = [];
  return { reads, onImageRead: (r: { path: string }) => reads.push(r.path) };
}

describe("extractFeatures with a cache and a content-hash memo", () => {
  it("a warm run reads no image bytes, encodes nothing, and returns the same N × D matrix in one bulk read", async () => {
    const encoder = new HashEncoder({ dim: 8 });
    const cache = new BulkCache();
    const memo = new MemoryContentHashMemo();
    const cold = counted();
    const first = await extractFeatures(encoder, images, {
      cache,
      contentHashes: memo,
      chunkSize: 4,
      ...cold,
    });
    expect(encoder.imagesEncoded).toBe(10);
    expect(cold.reads).toHaveLength(10);
    const warm = counted();
    const before = cache.matchManyCalls;
    const second = await extractFeatures(encoder, images, {
      cache,
      contentHashes: memo,
      chunkSize: 4,
      ...warm,
    });
    expect(encoder.imagesEncoded).toBe(10);
    expect(warm.reads).toEqual([]);
    expect(cache.matchManyCalls - before).toBe(1);
    expect(second.features.data.length).toBe(10 * 8);
    expect(Array.from(second.features.data)).toEqual(Array.from(first.features.data));
    expect(second.paths).toEqual(images.map((i) => i.path));
    expect(Array.from(second.labels)).toEqual(images.map((i) => i.label));
  });

  it("re-hashes and re-encodes a file replaced under the same name, and only that one", async () => {
    const encoder = new HashEncoder({ dim: 8 });
    const cache = new BulkCache();
    const memo = new MemoryContentHashMemo();
    await extractFeatures(encoder, images, { cache, contentHashes: memo });
    const target = (images[3] as LabeledImage).path;
    await writeFile(`${target}.new`, "a different picture");
    await rename(`${target}.new`, target);
    const warm = counted();
    const again = await extractFeatures(encoder, images, { cache, contentHashes: memo, ...warm });
    expect(warm.reads).toEqual([target]);
    expect(encoder.imagesEncoded).toBe(11);
    const fresh = await new HashEncoder({ dim: 8 }).embedImages([Buffer.from("a different picture")]);
    expect(Array.from(again.features.data.subarray(3 * 8, 4 * 8))).toEqual(Array.from(fresh.data));
    // The memo now holds the new hash: a third run reads nothing.
    const third = counted();
    await extractFeatures(encoder, images, { cache, contentHashes: memo, ...third });
    expect(third.reads).toEqual([]);
  });

  it("--verify-images (verifyImages) re-reads and re-hashes every file but encodes none that are cached", async () => {
    const encoder = new HashEncoder({ dim: 8 });
    const cache = new BulkCache();
    const memo = new MemoryContentHashMemo();
    await extractFeatures(encoder, images, { cache, contentHashes: memo });
    // A stale memo entry (wrong hash, same identity) is ignored and repaired by a verifying run.
    const [record] = await memo.recallHashes([(images[0] as LabeledImage).path]);
    await memo.rememberHashes([{ ...(record as NonNullable<typeof record>), sha256: sha256Hex("stale") }]);
    const verify = counted();
    const out = await extractFeatures(encoder, images, {
      cache,
      contentHashes: memo,
      verifyImages: true,
      ...verify,
    });
    expect(verify.reads).toHaveLength(10);
    expect(encoder.imagesEncoded).toBe(10);
    const [repaired] = await memo.recallHashes([(images[0] as LabeledImage).path]);
    expect(repaired?.sha256).toBe(sha256Hex("image 0"));
    const direct = await new HashEncoder({ dim: 8 }).embedImages([Buffer.from("image 0")]);
    expect(Array.from(out.features.data.subarray(0, 8))).toEqual(Array.from(direct.data));
  });

  it("treats a cached vector of the wrong length as a miss and re-encodes it", async () => {
    const encoder = new HashEncoder({ dim: 8 });
    const cache = new BulkCache();
    const memo = new MemoryContentHashMemo();
    await extractFeatures(encoder, images, { cache, contentHashes: memo });
    await cache.put(imageFeatureKey(encoder, sha256Hex("image 5")), new Float32Array(7).fill(9));
    const out = await extractFeatures(encoder, images, { cache, contentHashes: memo });
    expect(encoder.imagesEncoded).toBe(11);
    expect(out.features.data.subarray(5 * 8, 6 * 8).includes(9)).toBe(false);
  });

  it("works on a two-method cache (no bulk methods, no memo): hashes every file, encodes once", async () => {
    const encoder = new HashEncoder({ dim: 8 });
    const store = new MemoryEmbeddingCache();
    const cache: EmbeddingCache = { match: (k) => store.match(k), put: (k, v) => store.put(k, v) };
    const first = await extractFeatures(encoder, images, { cache });
    const warm = counted();
    const second = await extractFeatures(encoder, images, { cache, ...warm });
    expect(encoder.imagesEncoded).toBe(10);
    expect(warm.reads).toHaveLength(10);
    expect(Array.from(second.features.data)).toEqual(Array.from(first.features.data));
  });

  it("names a missing image file in a DatasetFormatError", async () => {
    const encoder = new HashEncoder({ dim: 8 });
    const missing = [...images, { path: join(dir, "gone.png"), label: 0 }];
    await expect(extractFeatures(encoder, missing, { cache: new BulkCache() })).rejects.toThrow(
      /gone\.png: ENOENT/,
    );
  });
});
