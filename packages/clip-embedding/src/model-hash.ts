import { existsSync } from "node:fs";
import { mkdir, readFile, realpath, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { sha256File, sha256Hex, writeFileAtomic } from "@vlmopt/core";

interface HashMemo {
  [realPath: string]: { size: number; mtimeMs: number; sha256: string };
}

/**
 * sha256 of a file, memoised in `<cacheDir>/file-hashes.json` under its real path, size and
 * mtime, so a 600 MB model is hashed once, not on every load.
 */
export async function memoisedFileHash(path: string, cacheDir: string): Promise<string> {
  const memoPath = join(cacheDir, "file-hashes.json");
  const real = await realpath(path);
  const st = await stat(real);
  let memo: HashMemo = {};
  if (existsSync(memoPath)) {
    try {
      memo = JSON.parse(await readFile(memoPath, "utf8")) as HashMemo;
    } catch {
      memo = {};
    }
  }
  const hit = memo[real];
  if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.sha256;
  const sha256 = await sha256File(real);
  // Re-read before writing so that parallel loads of other models are kept.
  if (existsSync(memoPath)) {
    try {
      memo = JSON.parse(await readFile(memoPath, "utf8")) as HashMemo;
    } catch {
      memo = {};
    }
  }
  memo[real] = { size: st.size, mtimeMs: st.mtimeMs, sha256 };
  await mkdir(dirname(memoPath), { recursive: true });
  // A memo is re-computable: no fsync.
  await writeFileAtomic(memoPath, JSON.stringify(memo), { fsync: false });
  return sha256;
}

/** The model hash: sha256 over the text and vision ONNX files' hashes. */
export async function clipModelHash(
  textModel: string,
  visionModel: string,
  cacheDir: string,
): Promise<string> {
  const t = await memoisedFileHash(textModel, cacheDir);
  const v = await memoisedFileHash(visionModel, cacheDir);
  return sha256Hex(`text:${t}\nvision:${v}\n`);
}
