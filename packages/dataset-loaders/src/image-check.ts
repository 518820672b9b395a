import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import sharp from "sharp";
import { mapLimit } from "./concurrency.js";
import type { ImageCheckLevel } from "./types.js";

export interface ImageCheckResult {
  missing: string[];
  unreadable: { file: string; reason: string }[];
  /** sha256 of each readable file's bytes (levels "header" and "full"). */
  hashes: Map<string, string>;
}

/** True when JPEG data ends with its EOI marker / PNG data with its IEND chunk (others: true). */
export function hasImageTrailer(bytes: Uint8Array): boolean {
  const tail = bytes.subarray(Math.max(0, bytes.length - 64));
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    for (let i = tail.length - 2; i >= 0; i--) if (tail[i] === 0xff && tail[i + 1] === 0xd9) return true;
    return false;
  }
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    return Buffer.from(tail).includes("IEND");
  }
  return true;
}

async function checkOne(file: string, level: ImageCheckLevel, result: ImageCheckResult): Promise<void> {
  if (level === "exists") {
    try {
      const info = await stat(file);
      if (!info.isFile()) result.unreadable.push({ file, reason: "not a regular file" });
    } catch {
      result.missing.push(file);
    }
    return;
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") result.missing.push(file);
    else result.unreadable.push({ file, reason: (error as Error).message });
    return;
  }
  if (bytes.length === 0) {
    result.unreadable.push({ file, reason: "the file is empty (0 bytes)" });
    return;
  }
  try {
    const meta = await sharp(bytes).metadata();
    if (!meta.width || !meta.height) throw new Error("no image size in the header");
    if (!hasImageTrailer(bytes)) throw new Error(`the ${meta.format} data is truncated (no end marker)`);
    if (level === "full") await sharp(bytes).raw().toBuffer();
  } catch (error) {
    result.unreadable.push({ file, reason: (error as Error).message.split("\n")[0] ?? "cannot decode" });
    return;
  }
  result.hashes.set(file, createHash("sha256").update(bytes).digest("hex"));
}

/**
 * Checks image files: "exists" (stat), "header" (reads the file, decodes the header with sharp,
 * checks the JPEG/PNG end marker and hashes the bytes), "full" (also decodes every pixel).
 */
export async function checkImageFiles(
  files: readonly string[],
  level: ImageCheckLevel,
  options: { concurrency?: number; signal?: AbortSignal } = {},
): Promise<ImageCheckResult> {
  const result: ImageCheckResult = { missing: [], unreadable: [], hashes: new Map() };
  if (level === "none") return result;
  const concurrency = options.concurrency ?? (level === "exists" ? 64 : 16);
  await mapLimit(files, concurrency, (file) => checkOne(file, level, result), options.signal);
  result.missing.sort();
  result.unreadable.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return result;
}
