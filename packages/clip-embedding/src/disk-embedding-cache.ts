import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type EmbeddingCache, sha256Hex } from "@vlmopt/core";
import { writeFileQuick } from "./write-file-quick.js";

export interface DiskEmbeddingCacheOptions {
  dir: string;
}

const MAGIC = 0x564c4d45; // "VLME"

/**
 * An EmbeddingCache on disk: one file per key, named by the key's sha256
 * (`<dir>/<2 hex>/<sha256>.f32`), written atomically (temp file + rename). A file holds a small
 * header (magic, length, key hash) and the float32 values, so a truncated or foreign file reads
 * as a miss, never as wrong numbers.
 */
export class DiskEmbeddingCache implements EmbeddingCache {
  readonly dir: string;
  private readonly madeDirs = new Set<string>();

  constructor(options: DiskEmbeddingCacheOptions) {
    this.dir = options.dir;
  }

  private pathOf(hash: string): { folder: string; file: string } {
    const folder = join(this.dir, hash.slice(0, 2));
    return { folder, file: join(folder, `${hash}.f32`) };
  }

  async match(key: string): Promise<Float32Array | undefined> {
    const hash = sha256Hex(key);
    let bytes: Buffer;
    try {
      bytes = await readFile(this.pathOf(hash).file);
    } catch {
      return undefined;
    }
    if (bytes.length < 40) return undefined;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = view.getUint32(4, true);
    if (view.getUint32(0, true) !== MAGIC || bytes.length !== 40 + n * 4) return undefined;
    if (bytes.subarray(8, 40).toString("hex") !== hash.slice(0, 64)) return undefined;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(40 + i * 4, true);
    return out;
  }

  async put(key: string, value: Float32Array): Promise<void> {
    const hash = sha256Hex(key);
    const { folder, file } = this.pathOf(hash);
    if (!this.madeDirs.has(folder)) {
      await mkdir(folder, { recursive: true });
      this.madeDirs.add(folder);
    }
    const bytes = Buffer.alloc(40 + value.length * 4);
    bytes.writeUInt32LE(MAGIC, 0);
    bytes.writeUInt32LE(value.length, 4);
    Buffer.from(hash, "hex").copy(bytes, 8);
    for (let i = 0; i < value.length; i++) bytes.writeFloatLE(value[i] as number, 40 + i * 4);
    await writeFileQuick(file, bytes);
  }
}
