/**
 * A two-method cache (the transformers.js contract): `match` returns the stored value or
 * undefined, `put` stores it. Keys are opaque strings built by the caller.
 */
export interface EmbeddingCache {
  match(key: string): Promise<Float32Array | undefined>;
  put(key: string, value: Float32Array): Promise<void>;
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
