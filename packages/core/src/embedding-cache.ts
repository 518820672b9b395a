/**
 * A two-method cache (the transformers.js contract): `match` returns the stored value or
 * undefined, `put` stores it. Keys are opaque strings built by the caller.
 *
 * `matchMany` / `putMany` are optional bulk forms for stores where one round trip or one
 * transaction per split pays (the disk store, a database). Callers fall back to `match` / `put`
 * when a store lacks them, so a store may implement only the two required methods.
 */
export interface EmbeddingCache {
  match(key: string): Promise<Float32Array | undefined>;
  put(key: string, value: Float32Array): Promise<void>;
  /**
   * Looks up every key at once (one transaction) and copies each stored vector into row `i` of
   * `into`, whose rows are `into.length / keys.length` values long. Returns 1 for each key found
   * with exactly that length, else 0 (a vector of another length is a miss; its row is untouched).
   */
  matchMany?(keys: readonly string[], into: Float32Array): Promise<Uint8Array>;
  /** Stores every entry at once (one transaction). */
  putMany?(entries: readonly (readonly [key: string, value: Float32Array])[]): Promise<void>;
}

/**
 * Bulk lookup on any EmbeddingCache: `matchMany` where the cache has it, else one `match` per key,
 * with the same contract (rows copied into `into`, 1 per hit of the right length).
 */
export async function matchManyOf(
  cache: EmbeddingCache,
  keys: readonly string[],
  into: Float32Array,
): Promise<Uint8Array> {
  if (keys.length === 0) return new Uint8Array(0);
  if (cache.matchMany) return cache.matchMany(keys, into);
  const dim = into.length / keys.length;
  const found = new Uint8Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const hit = await cache.match(keys[i] as string);
    if (hit && hit.length === dim) {
      into.set(hit, i * dim);
      found[i] = 1;
    }
  }
  return found;
}

/** Bulk store on any EmbeddingCache: `putMany` where the cache has it, else one `put` per entry. */
export async function putManyOf(
  cache: EmbeddingCache,
  entries: readonly (readonly [key: string, value: Float32Array])[],
): Promise<void> {
  if (entries.length === 0) return;
  if (cache.putMany) return cache.putMany(entries);
  for (const [key, value] of entries) await cache.put(key, value);
}

/** An in-memory EmbeddingCache, optionally bounded by entry count (oldest evicted first). */
export class MemoryEmbeddingCache implements EmbeddingCache {
  private readonly entries = new Map<string, Float32Array>();
  constructor(private readonly maxEntries = Number.POSITIVE_INFINITY) {}
  async match(key: string): Promise<Float32Array | undefined> {
    return this.entries.get(key);
  }
  async put(key: string, value: Float32Array): Promise<void> {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
  get size(): number {
    return this.entries.size;
  }
}
