import { statfs } from "node:fs/promises";

/** Free bytes for an unprivileged user on the file system holding `dir` (statfs: bavail × bsize). */
export async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return Number(s.bavail) * Number(s.bsize);
}
