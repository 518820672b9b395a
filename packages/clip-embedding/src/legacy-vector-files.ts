import { readdir, readFile, rm, rmdir } from "node:fs/promises";
import { join } from "node:path";

const MAGIC = 0x564c4d45; // "VLME"

/** One vector of the old one-file-per-vector cache, named by the sha256 of its key. */
export interface LegacyVector {
  keyHash: Buffer;
  values: Float32Array;
}

/**
 * Parses a file of the cache vlmopt used before the feature store (`<dir>/<2 hex>/<sha256>.f32`:
 * uint32 magic "VLME", uint32 length, the key's 32-byte sha256, then float32 values, all
 * little-endian). Returns null for a truncated or foreign file.
 */
export function parseLegacyVector(bytes: Buffer, fileHash: string): LegacyVector | null {
  if (bytes.length < 40) return null;
  const n = bytes.readUInt32LE(4);
  if (bytes.readUInt32LE(0) !== MAGIC || bytes.length !== 40 + n * 4) return null;
  const keyHash = bytes.subarray(8, 40);
  if (keyHash.toString("hex") !== fileHash) return null;
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = bytes.readFloatLE(40 + i * 4);
  return { keyHash: Buffer.from(keyHash), values };
}

/** The `<2 hex>` folders of an old cache in `dir`. */
export async function legacyFolders(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names.filter((n) => /^[0-9a-f]{2}$/.test(n)).map((n) => join(dir, n));
}

/** Every readable vector of one old-cache folder (unreadable files are skipped). */
export async function readLegacyFolder(
  folder: string,
): Promise<{ vectors: LegacyVector[]; files: string[] }> {
  const vectors: LegacyVector[] = [];
  const files: string[] = [];
  let names: string[] = [];
  try {
    names = await readdir(folder);
  } catch {
    return { vectors, files };
  }
  for (const name of names) {
    const file = join(folder, name);
    files.push(file);
    const m = /^([0-9a-f]{64})\.f32$/.exec(name);
    if (!m) continue;
    try {
      const v = parseLegacyVector(await readFile(file), m[1] as string);
      if (v) vectors.push(v);
    } catch {
      // vanished (another process migrated it) or unreadable: skipped
    }
  }
  return { vectors, files };
}

/** Removes a migrated folder's files, then the folder if nothing else is in it. */
export async function removeLegacyFolder(folder: string, files: readonly string[]): Promise<void> {
  for (const f of files) await rm(f, { force: true });
  await rmdir(folder).catch(() => undefined);
}
