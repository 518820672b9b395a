import type { Embeddings } from "./embeddings.js";

/** An image given by file path or by its encoded bytes (JPEG, PNG, WebP). */
export type ImageSource = string | Uint8Array;

export interface EmbedOptions {
  signal?: AbortSignal;
  /** Called after each batch with the number of inputs done so far. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * A CLIP-style dual encoder. Third parties implement this; `specificationVersion` says which
 * version of the contract they implement.
 */
export interface ClipEncoder {
  readonly specificationVersion: "v1";
  /** Stable id of the model, e.g. "clip-vit-b32" or "random:tiny". Used in cache keys. */
  readonly id: string;
  /** Embedding size D. */
  readonly dim: number;
  /** Content hash of the model files (sha256 hex), for cache keys and run manifests. */
  readonly modelHash: string;
  /** Largest batch the encoder sends to the model at once. Callers may pass more; it batches. */
  readonly maxTextBatch: number;
  readonly maxImageBatch: number;
  /**
   * Set when the model's outputs mean nothing (random weights, test models). Every output that
   * shows an accuracy must show this text.
   */
  readonly warning?: string;
  /** Texts → L2-normalised rows (count = texts.length). */
  embedTexts(texts: readonly string[], options?: EmbedOptions): Promise<Embeddings>;
  /** Images → L2-normalised rows (count = images.length). */
  embedImages(images: readonly ImageSource[], options?: EmbedOptions): Promise<Embeddings>;
  /** Frees native resources. */
  dispose?(): Promise<void>;
}

/** The text every output produced with a random-weight model must carry. */
export const RANDOM_WEIGHTS_WARNING = "random weights — accuracy is meaningless";
