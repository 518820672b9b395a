import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Hex } from "@vlmopt/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiskEmbeddingCache } from "./disk-embedding-cache.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vlmopt-cache-test-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("DiskEmbeddingCache", () => {
  it("stores and returns vectors across instances, by opaque key", async () => {
    const key = "clip-vit-b32:abc:image:/weird key/with:colons";
    const v = Float32Array.from([0.5, -1.25, 3e-8, 1]);
    await new DiskEmbeddingCache({ dir }).put(key, v);
    const back = await new DiskEmbeddingCache({ dir }).match(key);
    expect(Array.from(back ?? [])).toEqual(Array.from(v));
    expect(await new DiskEmbeddingCache({ dir }).match("other")).toBeUndefined();
  });

  it("overwrites atomically and leaves no temp files", async () => {
    const cache = new DiskEmbeddingCache({ dir });
    await Promise.all(Array.from({ length: 20 }, (_, i) => cache.put("same", Float32Array.of(i, i))));
    const got = await cache.match("same");
    expect(got?.[0]).toBe(got?.[1]);
    const hash = sha256Hex("same");
    const files = await readdir(join(dir, hash.slice(0, 2)));
    expect(files).toEqual([`${hash}.f32`]);
  });

  it("reads a truncated or foreign file as a miss", async () => {
    const cache = new DiskEmbeddingCache({ dir });
    await cache.put("t", Float32Array.of(1, 2, 3));
    const hash = sha256Hex("t");
    await writeFile(join(dir, hash.slice(0, 2), `${hash}.f32`), Buffer.alloc(45));
    expect(await cache.match("t")).toBeUndefined();
  });
});
