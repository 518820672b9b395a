import { statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import type { ClipEncoder, ImageSource } from "./clip-encoder.js";
import {
  type ContentHashMemo,
  type FileIdentity,
  isContentHashMemo,
  type RememberedHash,
  sameIdentity,
} from "./content-hash-memo.js";
import type { LabeledImage } from "./dataset.js";
import { type EmbeddingCache, matchManyOf, putManyOf } from "./embedding-cache.js";
import { createEmbeddings } from "./embeddings.js";
import { DatasetFormatError, throwIfAborted } from "./errors.js";
import { sha256Hex } from "./hashing.js";
import type { SplitFeatures } from "./scoring.js";

export interface ExtractFeaturesOptions {
  /** Image features by model id + model hash + image content hash. */
  cache?: EmbeddingCache;
  /**
   * Content hashes of image files by (absolute path, size, mtime, inode), so a warm run reads no
   * image bytes. Default: `cache` itself where it is also a ContentHashMemo (the disk store is).
   */
  contentHashes?: ContentHashMemo;
  /** Re-read and re-hash every image instead of trusting remembered hashes (which are refreshed). */
  verifyImages?: boolean;
  signal?: AbortSignal;
  /** Images sent to the encoder per call (bounded memory). Default: encoder.maxImageBatch × 4. */
  chunkSize?: number;
  onProgress?: (info: { done: number; total: number; cached: number; elapsedMs: number }) => void;
  /** Called for every image file read, with its size (a warm run with a memo reads none). */
  onImageRead?: (info: { path: string; bytes: number }) => void;
}

function unreadable(path: string, error: unknown): DatasetFormatError {
  return new DatasetFormatError(
    `cannot read image ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    { hint: "check the dataset's root directory (vlmopt datasets check lists every missing file)" },
  );
}

async function readImage(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw unreadable(path, error);
  }
}

function identityOf(path: string): FileIdentity {
  try {
    // Synchronous on purpose: a few µs a file, where a promise per file costs more than the stat.
    const st = statSync(path);
    return { path, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  } catch (error) {
    throw unreadable(path, error);
  }
}

/**
 * Embeds images given as bytes (read for the cache key) and, when the encoder cannot decode one,
 * finds it (one at a time, only then) and throws a DatasetFormatError that names its file: the
 * encoder saw bytes, so its own message says "image #i (n bytes)".
 */
async function embedNamed(
  encoder: ClipEncoder,
  todo: readonly { source: ImageSource; path: string }[],
  signal: AbortSignal | undefined,
) {
  const opts = signal ? { signal } : {};
  try {
    return await encoder.embedImages(
      todo.map((t) => t.source),
      opts,
    );
  } catch (error) {
    if (!DatasetFormatError.isInstance(error)) throw error;
    for (const t of todo) {
      try {
        await encoder.embedImages([t.source], opts);
      } catch (inner) {
        const cause = (inner as Error).cause;
        const reason = cause instanceof Error ? cause.message : (inner as Error).message;
        throw new DatasetFormatError(`cannot decode image ${t.path}: ${reason}`, {
          hint: "replace or remove the corrupt file (vlmopt datasets check lists every unreadable image)",
          cause: inner,
        });
      }
    }
    throw error;
  }
}

/** The cache key of an image's features for one model. */
export function imageFeatureKey(encoder: ClipEncoder, contentHash: string): string {
  return `${encoder.id}:${encoder.modelHash}:image:${contentHash}`;
}

/**
 * Image features of a split, computed once per (model, image content). With a cache, every image
 * whose content hash is remembered (same path, size, mtime and inode) is looked up in one bulk
 * read straight into the result matrix; the rest are read, hashed, looked up, and encoded in
 * chunks where missing. Returns one contiguous N × D matrix whose row i is `images[i]`.
 */
export async function extractFeatures(
  encoder: ClipEncoder,
  images: readonly LabeledImage[],
  options: ExtractFeaturesOptions = {},
): Promise<SplitFeatures> {
  const { cache, signal, onProgress } = options;
  const chunkSize = options.chunkSize ?? Math.max(1, encoder.maxImageBatch * 4);
  const started = Date.now();
  const dim = encoder.dim;
  const out = createEmbeddings(images.length, dim);
  const labels = Int32Array.from(images, (img) => img.label);
  const paths = images.map((img) => img.path);
  const total = images.length;
  let done = 0;
  let cachedCount = 0;
  const progress = () => onProgress?.({ done, total, cached: cachedCount, elapsedMs: Date.now() - started });

  if (!cache) {
    for (let start = 0; start < total; start += chunkSize) {
      throwIfAborted(signal);
      const chunk = paths.slice(start, start + chunkSize);
      const emb = await encoder.embedImages(chunk, signal ? { signal } : {});
      out.data.set(emb.data, start * dim);
      done += chunk.length;
      progress();
    }
    return { features: out, labels, paths };
  }

  const memo = options.contentHashes ?? (isContentHashMemo(cache) ? cache : undefined);
  const keyOf = (i: number) => imageFeatureKey(encoder, hashes[i] as string);
  // Phase 1: every image whose hash is remembered, in one bulk read into the result matrix.
  const identities = paths.map((p) => identityOf(isAbsolute(p) ? p : resolve(p)));
  const hashes: (string | undefined)[] = new Array(total).fill(undefined);
  if (memo && !options.verifyImages) {
    const records = await memo.recallHashes(identities.map((id) => id.path));
    for (let i = 0; i < total; i++) {
      const r = records[i];
      if (r && sameIdentity(r, identities[i] as FileIdentity)) hashes[i] = r.sha256;
    }
  }
  const filled = new Uint8Array(total);
  const known: number[] = [];
  for (let i = 0; i < total; i++) if (hashes[i] !== undefined) known.push(i);
  if (known.length === total && total > 0) {
    filled.set(await matchManyOf(cache, known.map(keyOf), out.data));
  } else if (known.length > 0) {
    const rows = new Float32Array(known.length * dim);
    const found = await matchManyOf(cache, known.map(keyOf), rows);
    known.forEach((i, k) => {
      if (!found[k]) return;
      out.data.set(rows.subarray(k * dim, (k + 1) * dim), i * dim);
      filled[i] = 1;
    });
  }
  for (let i = 0; i < total; i++) cachedCount += filled[i] as number;
  done = cachedCount;
  progress();

  // Phase 2: the rest, a chunk at a time: read, hash (where not remembered), look up, encode.
  const pending: number[] = [];
  for (let i = 0; i < total; i++) if (!filled[i]) pending.push(i);
  for (let start = 0; start < pending.length; start += chunkSize) {
    throwIfAborted(signal);
    const rows = pending.slice(start, start + chunkSize);
    const bytes: Uint8Array[] = [];
    const fresh: RememberedHash[] = [];
    for (const i of rows) {
      const id = identities[i] as FileIdentity;
      const b = await readImage(id.path);
      options.onImageRead?.({ path: id.path, bytes: b.length });
      bytes.push(b);
      if (hashes[i] === undefined) {
        hashes[i] = sha256Hex(b);
        fresh.push({ ...id, sha256: hashes[i] as string });
      }
    }
    const keys = rows.map(keyOf);
    // Rows whose hash was just computed may still be cached (another model run, a copied file).
    const lookup = new Float32Array(rows.length * dim);
    const found = await matchManyOf(cache, keys, lookup);
    const encodeAt: number[] = [];
    rows.forEach((i, k) => {
      if (found[k]) {
        out.data.set(lookup.subarray(k * dim, (k + 1) * dim), i * dim);
        cachedCount++;
      } else encodeAt.push(k);
    });
    if (encodeAt.length > 0) {
      const emb = await embedNamed(
        encoder,
        encodeAt.map((k) => ({
          source: bytes[k] as Uint8Array,
          path: (identities[rows[k] as number] as FileIdentity).path,
        })),
        signal,
      );
      const entries: [string, Float32Array][] = [];
      encodeAt.forEach((k, m) => {
        const vec = emb.data.slice(m * dim, (m + 1) * dim);
        out.data.set(vec, (rows[k] as number) * dim);
        entries.push([keys[k] as string, vec]);
      });
      await putManyOf(cache, entries);
    }
    if (memo && fresh.length > 0) await memo.rememberHashes(fresh);
    done += rows.length;
    progress();
  }
  return { features: out, labels, paths };
}
