import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";

export interface WriteFileAtomicOptions {
  /**
   * fsync the temp file before the rename, so the content survives a power loss. Default true;
   * re-computable caches turn it off (an fsync per entry would dominate their time).
   */
  fsync?: boolean;
}

/**
 * Writes a file atomically: a temp file in the same directory (unique per process and call, so
 * concurrent writers never share one), optionally fsync'd, then renamed over `path`. A failed
 * write removes its temp file and leaves `path` as it was.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, data);
    if (options.fsync ?? true) {
      const fd = openSync(tmp, "r");
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
