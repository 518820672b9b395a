import { type EmbeddingCache, sha256Hex } from "@vlmopt/core";
import type pg from "pg";

/**
 * An EmbeddingCache in PostgreSQL: float32 little-endian values as bytea, keyed like the disk
 * cache (sha256 of the key, its file name there). The first writer of a key wins; later puts of the
 * same key are no-ops, so concurrent workers never conflict.
 */
export class PostgresEmbeddingCache implements EmbeddingCache {
  constructor(private readonly pool: pg.Pool) {}

  async match(key: string): Promise<Float32Array | undefined> {
    const { rows } = await this.pool.query<{ dim: number; value: Buffer }>(
      "SELECT dim, value FROM vlmopt_features WHERE key_hash = $1",
      [sha256Hex(key)],
    );
    const row = rows[0];
    if (!row || row.value.length !== row.dim * 4) return undefined;
    const out = new Float32Array(row.dim);
    for (let i = 0; i < row.dim; i++) out[i] = row.value.readFloatLE(i * 4);
    return out;
  }

  async put(key: string, value: Float32Array): Promise<void> {
    const bytes = Buffer.alloc(value.length * 4);
    for (let i = 0; i < value.length; i++) bytes.writeFloatLE(value[i] as number, i * 4);
    await this.pool.query(
      `INSERT INTO vlmopt_features (key_hash, key, dim, value) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key_hash) DO NOTHING`,
      [sha256Hex(key), key, value.length, bytes],
    );
  }
}
