/**
 * The contract every EmbeddingCache meets, as a vitest suite (exported from `@vlmopt/core/testing`):
 * `embeddingCacheContract({ name: "memory", create: () => new MemoryEmbeddingCache() })`.
 */
import { describe, expect, it } from "vitest";
import { type EmbeddingCache, matchManyOf, putManyOf } from "./embedding-cache.js";

export interface EmbeddingCacheContractOptions<C extends EmbeddingCache = EmbeddingCache> {
  name: string;
  /** A new, empty cache (each case gets its own). */
  create: () => C | Promise<C>;
  /** Another cache on the same storage, as a later process would open it (for caches that persist). */
  reopen?: (cache: C) => C | Promise<C>;
  /** Called with every cache a case made (flush, close). Called before `reopen`, too. */
  dispose?: (cache: C) => void | Promise<void>;
}

const vec = (...values: number[]) => Float32Array.from(values);

export function embeddingCacheContract<C extends EmbeddingCache>(
  options: EmbeddingCacheContractOptions<C>,
): void {
  describe(`EmbeddingCache contract: ${options.name}`, () => {
    const made: C[] = [];
    const track = async (c: C | Promise<C>): Promise<C> => {
      const cache = await c;
      made.push(cache);
      return cache;
    };
    const disposeAll = async () => {
      for (const c of made.splice(0)) await options.dispose?.(c);
    };

    it("misses an unknown key and returns what was put", async () => {
      const cache = await track(options.create());
      try {
        expect(await cache.match("model:text:a photo of a cat.")).toBeUndefined();
        await cache.put("model:text:a photo of a cat.", vec(0.25, -1, 3));
        // Keys name content (model + text or image hash), so a key's value never changes: putting it
        // again (two workers computing the same vector) must keep it.
        await cache.put("model:text:a photo of a dog.", vec(4, 5, 6));
        await cache.put("model:text:a photo of a dog.", vec(4, 5, 6));
        expect(Array.from((await cache.match("model:text:a photo of a cat.")) ?? [])).toEqual([0.25, -1, 3]);
        expect(Array.from((await cache.match("model:text:a photo of a dog.")) ?? [])).toEqual([4, 5, 6]);
        expect(await cache.match("model:text:a photo of a")).toBeUndefined();
      } finally {
        await disposeAll();
      }
    });

    it("looks up and stores in bulk, a vector of another length being a miss", async () => {
      const cache = await track(options.create());
      try {
        await putManyOf(cache, [
          ["k0", vec(1, 2)],
          ["k1", vec(3, 4)],
          ["short", vec(9)],
        ]);
        const into = new Float32Array(8).fill(-7);
        const found = await matchManyOf(cache, ["k1", "nope", "short", "k0"], into);
        expect(Array.from(found)).toEqual([1, 0, 0, 1]);
        expect(Array.from(into)).toEqual([3, 4, -7, -7, -7, -7, 1, 2]);
        expect(Array.from(await matchManyOf(cache, [], new Float32Array(0)))).toEqual([]);
      } finally {
        await disposeAll();
      }
    });

    // Only a cache kept on storage can be opened again; an in-memory one has no such case.
    const { reopen } = options;
    if (reopen)
      it("keeps what was stored for a cache opened later on the same storage", async () => {
        const cache = await track(options.create());
        try {
          await cache.put("a", vec(1, 0.5));
          await putManyOf(cache, [["b", vec(2, 0.25)]]);
          await options.dispose?.(cache);
          made.splice(made.indexOf(cache), 1);
          const later = await track(reopen(cache));
          expect(Array.from((await later.match("a")) ?? [])).toEqual([1, 0.5]);
          expect(Array.from((await later.match("b")) ?? [])).toEqual([2, 0.25]);
        } finally {
          await disposeAll();
        }
      });
  });
}
