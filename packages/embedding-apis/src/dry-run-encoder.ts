import {
  type ClipEncoder,
  createEmbeddings,
  type EmbeddingPrice,
  type Embeddings,
  type EmbeddingUsage,
  type EmbedOptions,
  emptyEmbeddingUsage,
  type ImageSource,
  normalizeRows,
  sha256Hex,
  throwIfAborted,
} from "@vlmopt/core";
import { maxTextTokens } from "./api-encoder.js";
import { parseEmbeddingApiSpec } from "./spec.js";

/**
 * `--dry-run` for an embedding-API backbone: sends nothing, counts what the run would send (every
 * image once, every distinct text once, as the caches make it) and prices it at the model's prices
 * (text tokens at their upper bound, UTF-8 bytes + 8). Its vectors are hash noise (warning set).
 */
export class DryRunEmbeddingEncoder implements ClipEncoder {
  readonly specificationVersion = "v1" as const;
  readonly id: string;
  readonly dim = 8;
  readonly modelHash: string;
  readonly maxTextBatch = 64;
  readonly maxImageBatch = 64;
  readonly warning = "dry run: no embedding was requested; vectors are hash noise";
  readonly usage: EmbeddingUsage = emptyEmbeddingUsage();
  private readonly seen = new Set<string>();

  constructor(
    readonly spec: string,
    readonly price: EmbeddingPrice | null,
  ) {
    parseEmbeddingApiSpec(spec);
    this.id = `dry-run:${spec}`;
    this.modelHash = sha256Hex(`dry-run:${spec}`);
  }

  /** The estimated cost in USD, null when the price is unknown. */
  get costUsd(): number | null {
    if (!this.price) return null;
    return this.usage.images * this.price.perImage + (this.usage.textTokens * this.price.perMTokText) / 1e6;
  }

  private rows(keys: string[]): Embeddings {
    const out = createEmbeddings(keys.length, this.dim);
    keys.forEach((k, i) => {
      const h = Buffer.from(sha256Hex(k), "hex");
      for (let j = 0; j < this.dim; j++) out.data[i * this.dim + j] = (h[j] as number) - 127.5;
    });
    return normalizeRows(out);
  }

  async embedTexts(texts: readonly string[], options: EmbedOptions = {}): Promise<Embeddings> {
    throwIfAborted(options.signal);
    for (const t of texts) {
      const key = `text:${t}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.usage.texts += 1;
      this.usage.textTokens += maxTextTokens(t);
    }
    options.onProgress?.(texts.length, texts.length);
    return this.rows(texts.map((t) => `text:${t}`));
  }

  async embedImages(images: readonly ImageSource[], options: EmbedOptions = {}): Promise<Embeddings> {
    throwIfAborted(options.signal);
    const keys = images.map((img) => `image:${typeof img === "string" ? img : sha256Hex(img)}`);
    for (const key of keys) {
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.usage.images += 1;
    }
    options.onProgress?.(images.length, images.length);
    return this.rows(keys);
  }
}
