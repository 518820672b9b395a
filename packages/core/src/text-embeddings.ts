import type { ClipEncoder } from "./clip-encoder.js";
import type { EmbeddingCache } from "./embedding-cache.js";
import { createEmbeddings, type Embeddings } from "./embeddings.js";

export interface CachedTextEmbeddingOptions {
  encoder: ClipEncoder;
  /** Caches each text's embedding; keyed by encoder id + model hash + text. */
  textCache?: EmbeddingCache;
  signal?: AbortSignal;
}

/** The text cache key of one prompt for one encoder. */
export function textCacheKey(encoder: ClipEncoder, text: string): string {
  return `${encoder.id}:${encoder.modelHash}:text:${text}`;
}

/**
 * Embeddings of `texts` (row i = text i): taken from the text cache where it holds them, the rest
 * in ONE encoder call (which batches by length), each fresh vector then stored in the cache.
 */
export async function embedTextsCached(
  o: CachedTextEmbeddingOptions,
  texts: readonly string[],
): Promise<Embeddings> {
  const { encoder, textCache, signal } = o;
  const all = createEmbeddings(texts.length, encoder.dim);
  const missing: number[] = [];
  const keys = texts.map((t) => textCacheKey(encoder, t));
  for (let i = 0; i < texts.length; i++) {
    const hit = textCache ? await textCache.match(keys[i] as string) : undefined;
    if (hit && hit.length === encoder.dim) all.data.set(hit, i * encoder.dim);
    else missing.push(i);
  }
  if (missing.length > 0) {
    const fresh = await encoder.embedTexts(
      missing.length === texts.length ? texts : missing.map((i) => texts[i] as string),
      signal ? { signal } : {},
    );
    for (let m = 0; m < missing.length; m++) {
      const i = missing[m] as number;
      const vec = fresh.data.subarray(m * encoder.dim, (m + 1) * encoder.dim);
      all.data.set(vec, i * encoder.dim);
      if (textCache) await textCache.put(keys[i] as string, vec.slice());
    }
  }
  return all;
}
