import { readFile } from "node:fs/promises";
import type { ClipEncoder, ImageSource } from "./clip-encoder.js";
import type { LabeledImage } from "./dataset.js";
import type { EmbeddingCache } from "./embedding-cache.js";
import { createEmbeddings } from "./embeddings.js";
import { DatasetFormatError, throwIfAborted } from "./errors.js";
import { sha256Hex } from "./hashing.js";
import type { SplitFeatures } from "./scoring.js";

export interface ExtractFeaturesOptions {
  /** Image features by model id + model hash + image content hash. */
  cache?: EmbeddingCache;
  signal?: AbortSignal;
  /** Images sent to the encoder per call (bounded memory). Default: encoder.maxImageBatch × 4. */
  chunkSize?: number;
  onProgress?: (info: { done: number; total: number; cached: number; elapsedMs: number }) => void;
}

async function readImage(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new DatasetFormatError(
      `cannot read image ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        hint: "check the dataset's root directory (vlmopt datasets check lists every missing file)",
      },
    );
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
 * Image features of a split, computed once per (model, image content): cached images are read
 * from the cache, the rest are encoded in chunks and stored.
 */
export async function extractFeatures(
  encoder: ClipEncoder,
  images: readonly LabeledImage[],
  options: ExtractFeaturesOptions = {},
): Promise<SplitFeatures> {
  const { cache, signal, onProgress } = options;
  const chunkSize = options.chunkSize ?? Math.max(1, encoder.maxImageBatch * 4);
  const started = Date.now();
  const out = createEmbeddings(images.length, encoder.dim);
  const labels = Int32Array.from(images, (img) => img.label);
  let done = 0;
  let cachedCount = 0;
  for (let start = 0; start < images.length; start += chunkSize) {
    throwIfAborted(signal);
    const chunk = images.slice(start, start + chunkSize);
    const todo: { index: number; source: ImageSource; key: string | null; path: string }[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const index = start + i;
      const image = chunk[i] as LabeledImage;
      if (!cache) {
        todo.push({ index, source: image.path, key: null, path: image.path });
        continue;
      }
      const bytes = await readImage(image.path);
      const key = imageFeatureKey(encoder, sha256Hex(bytes));
      const hit = await cache.match(key);
      if (hit && hit.length === encoder.dim) {
        out.data.set(hit, index * encoder.dim);
        cachedCount++;
      } else {
        todo.push({ index, source: bytes, key, path: image.path });
      }
    }
    if (todo.length > 0) {
      const emb = await embedNamed(encoder, todo, signal);
      for (let m = 0; m < todo.length; m++) {
        const { index, key } = todo[m] as (typeof todo)[number];
        const vec = emb.data.slice(m * encoder.dim, (m + 1) * encoder.dim);
        out.data.set(vec, index * encoder.dim);
        if (cache && key) await cache.put(key, vec);
      }
    }
    done += chunk.length;
    onProgress?.({ done, total: images.length, cached: cachedCount, elapsedMs: Date.now() - started });
  }
  return { features: out, labels };
}
