import { readFile } from "node:fs/promises";
import {
  type ClipEncoder,
  ConfigError,
  canonicalJson,
  createEmbeddings,
  DatasetFormatError,
  type EmbeddingCache,
  type EmbeddingPrice,
  type Embeddings,
  type EmbedOptions,
  type ImageSource,
  type LlmRetryInfo,
  matchManyOf,
  normalizeRows,
  ProviderApiError,
  putManyOf,
  type RetryOptions,
  retryReason,
  SpendLedger,
  sha256Hex,
  throwIfAborted,
  withRetries,
} from "@vlmopt/core";
import pLimit from "p-limit";
import { fitImage, type ImageLimits, type PreparedImage } from "./image-fit.js";

/** One vendor's per-request limits. */
export interface ApiLimits extends ImageLimits {
  /** Texts per request. */
  maxTextBatch: number;
  /** Images per request. */
  maxImageBatch: number;
  /** Requests in flight at once. */
  concurrency: number;
}

export interface ProtocolCall {
  signal?: AbortSignal;
}

/** What one request returned: one vector per input, in order, and the tokens billed if reported. */
export interface ProtocolResult {
  vectors: readonly (readonly number[] | Float32Array)[];
  /** Tokens the vendor reports billing for the request (text or image tokens), when it says. */
  tokens?: number;
}

/**
 * The wire protocol of one vendor: how to embed one batch of texts or images. Everything else
 * (caching, batching, limits, retries, budget, validation, normalisation) is ApiClipEncoder's.
 */
export interface EmbeddingProtocol {
  /** "jina", "openai-compatible-embed", ... */
  readonly provider: string;
  readonly model: string;
  readonly baseURL: string;
  readonly limits: ApiLimits;
  embedTextBatch(texts: readonly string[], call: ProtocolCall): Promise<ProtocolResult>;
  embedImageBatch(images: readonly PreparedImage[], call: ProtocolCall): Promise<ProtocolResult>;
}

export interface ApiEncoderOptions {
  /** The spec the user gave, e.g. "jina:jina-clip-v2": the encoder's id (manifests, reports). */
  id: string;
  /** Output dimensions D. */
  dim: number;
  /** Dimensions asked of the API (part of the cache key), null when the API's default is used. */
  dimensions: number | null;
  /** USD per image and per 1M text tokens; null = unknown (costs are reported as unknown). */
  price: EmbeddingPrice | null;
  /** Vectors by (provider, model, dimensions, base URL, image content hash / text). */
  cache?: EmbeddingCache;
  /** The run's USD ledger: every request is checked against it first and recorded after. */
  ledger?: SpendLedger;
  /** Set when the outputs are meaningless (a stand-in server): shown with every accuracy. */
  warning?: string;
  /** Retries after the first attempt (429, 5xx, timeouts, network errors). Default 4. */
  maxRetries?: number;
  /** Backoff tuning (mainly for tests). */
  retry?: Omit<RetryOptions, "maxRetries" | "signal" | "onRetry">;
  /** Told before each wait for a retry, so retries are visible (the CLI prints them). */
  onRetry?: (info: LlmRetryInfo & { what: string }) => void;
}

/**
 * The cache identity of an API model: provider, model, dimensions asked and base URL (so a
 * stand-in's vectors never answer for the real API). `keyPrefix` starts every cache key.
 */
export function apiIdentity(
  protocol: Pick<EmbeddingProtocol, "provider" | "model" | "baseURL">,
  dimensions: number | null,
): { modelHash: string; keyPrefix: string } {
  const modelHash = sha256Hex(
    canonicalJson({
      provider: protocol.provider,
      model: protocol.model,
      dimensions,
      baseURL: protocol.baseURL,
    }),
  );
  return {
    modelHash,
    keyPrefix: `embedding-api:${protocol.provider}:${protocol.model}:${dimensions ?? "default"}:${modelHash.slice(0, 16)}`,
  };
}

/** An upper bound on the tokens of a text: at least one UTF-8 byte per token, plus 8 for specials. */
export function maxTextTokens(text: string): number {
  return Buffer.byteLength(text, "utf8") + 8;
}

async function bytesOf(source: ImageSource, index: number): Promise<Uint8Array> {
  if (typeof source !== "string") return source;
  try {
    return await readFile(source);
  } catch (error) {
    throw new DatasetFormatError(
      `cannot read image ${source}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { cause: error, hint: `image #${index}; check the dataset's files` },
    );
  }
}

/**
 * A ClipEncoder over a hosted embedding API. Every text and image is looked up in the cache
 * first (images by content hash, so a re-run, another strategy or another seed never sends one
 * again); the rest go out in batches within the vendor's limits, at most `concurrency` requests at
 * a time, each checked against the USD budget before it is sent, retried on 429/5xx/timeouts, and
 * validated (one vector per input, D values each) before it is normalised and cached.
 */
export class ApiClipEncoder implements ClipEncoder {
  readonly specificationVersion = "v1" as const;
  readonly id: string;
  readonly dim: number;
  readonly modelHash: string;
  readonly maxTextBatch: number;
  readonly maxImageBatch: number;
  readonly warning?: string;
  readonly price: EmbeddingPrice | null;
  readonly ledger: SpendLedger;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly keyPrefix: string;

  constructor(
    readonly protocol: EmbeddingProtocol,
    private readonly options: ApiEncoderOptions,
  ) {
    this.id = options.id;
    this.dim = options.dim;
    this.price = options.price;
    this.ledger = options.ledger ?? new SpendLedger();
    if (this.ledger.maxUsd !== undefined && !this.price) {
      throw new ConfigError(
        `a USD budget was set but the price of the embedding model ${options.id} is unknown`,
        { hint: "give --model-price-image and --model-price-text (USD), or leave out --budget-usd" },
      );
    }
    if (options.warning) this.warning = options.warning;
    this.maxTextBatch = protocol.limits.maxTextBatch;
    this.maxImageBatch = protocol.limits.maxImageBatch;
    const identity = apiIdentity(protocol, options.dimensions);
    this.modelHash = identity.modelHash;
    this.keyPrefix = identity.keyPrefix;
    this.limit = pLimit(protocol.limits.concurrency);
  }

  private get who(): string {
    return `${this.protocol.provider}:${this.protocol.model}`;
  }

  async embedTexts(texts: readonly string[], options: EmbedOptions = {}): Promise<Embeddings> {
    throwIfAborted(options.signal);
    const keys = texts.map((t) => `${this.keyPrefix}:text:${sha256Hex(t)}`);
    return this.embedAll("text", keys, options, async (rows) => {
      const batch = rows.map((i) => texts[i] as string);
      const bound = batch.reduce((s, t) => s + maxTextTokens(t), 0);
      const worst = this.price ? (bound * this.price.perMTokText) / 1e6 : 0;
      return { worst, send: (call) => this.protocol.embedTextBatch(batch, call), count: batch.length, bound };
    });
  }

  async embedImages(images: readonly ImageSource[], options: EmbedOptions = {}): Promise<Embeddings> {
    throwIfAborted(options.signal);
    const bytes: Uint8Array[] = [];
    for (let i = 0; i < images.length; i++) bytes.push(await bytesOf(images[i] as ImageSource, i));
    const keys = bytes.map((b) => `${this.keyPrefix}:image:${sha256Hex(b)}`);
    return this.embedAll("image", keys, options, async (rows) => {
      const batch: PreparedImage[] = [];
      for (const i of rows) batch.push(await fitImage(bytes[i] as Uint8Array, this.protocol.limits, i));
      const worst = this.price ? batch.length * this.price.perImage : 0;
      return {
        worst,
        send: (call) => this.protocol.embedImageBatch(batch, call),
        count: batch.length,
        bound: 0,
      };
    });
  }

  private async embedAll(
    kind: "text" | "image",
    keys: readonly string[],
    options: EmbedOptions,
    prepare: (rows: number[]) => Promise<{
      worst: number;
      bound: number;
      count: number;
      send: (call: ProtocolCall) => Promise<ProtocolResult>;
    }>,
  ): Promise<Embeddings> {
    const { dim } = this;
    const total = keys.length;
    const out = createEmbeddings(total, dim);
    if (total === 0) return out;
    const cache = this.options.cache;
    const found = cache ? await matchManyOf(cache, keys, out.data) : new Uint8Array(total);
    const missing: number[] = [];
    for (let i = 0; i < total; i++) if (!found[i]) missing.push(i);
    this.ledger.recordCached(kind, total - missing.length);
    let done = total - missing.length;
    const batchSize = kind === "text" ? this.maxTextBatch : this.maxImageBatch;
    const batches: number[][] = [];
    for (let s = 0; s < missing.length; s += batchSize) batches.push(missing.slice(s, s + batchSize));
    const run = async (rows: number[]) => {
      throwIfAborted(options.signal);
      const p = await prepare(rows);
      const what = `a request of ${p.count} ${kind}${p.count === 1 ? "" : "s"} to ${this.who}`;
      // Checked right before sending; the worst case is held while in flight, so concurrent
      // batches never overshoot the budget together.
      const release = this.ledger.reserve(p.worst, what);
      let result: ProtocolResult;
      try {
        result = await withRetries(() => p.send(options.signal ? { signal: options.signal } : {}), {
          maxRetries: this.options.maxRetries ?? 4,
          ...this.options.retry,
          ...(options.signal ? { signal: options.signal } : {}),
          giveUpHint: "try again later; vectors already received are cached, so a re-run resumes",
          onRetry: (e) =>
            this.options.onRetry?.({
              what,
              retry: e.attempt,
              maxRetries: e.maxRetries,
              delayMs: e.delayMs,
              reason: retryReason(e.error),
              ...(e.error.status !== undefined ? { status: e.error.status } : {}),
            }),
        });
      } finally {
        release();
      }
      const vectors = this.validated(result, rows.length, kind);
      const tokens = result.tokens ?? (kind === "text" ? p.bound : 0);
      const cost = this.price
        ? kind === "image"
          ? rows.length * this.price.perImage
          : (Math.min(tokens, p.bound) * this.price.perMTokText) / 1e6
        : null;
      this.ledger.recordEmbedding({
        images: kind === "image" ? rows.length : 0,
        texts: kind === "text" ? rows.length : 0,
        textTokens: kind === "text" ? tokens : 0,
        costUsd: cost,
      });
      const entries: [string, Float32Array][] = [];
      rows.forEach((i, k) => {
        const v = vectors.subarray(k * dim, (k + 1) * dim);
        out.data.set(v, i * dim);
        entries.push([keys[i] as string, v.slice()]);
      });
      if (cache) await putManyOf(cache, entries);
      done += rows.length;
      options.onProgress?.(done, total);
    };
    await Promise.all(batches.map((rows) => this.limit(() => run(rows))));
    if (batches.length === 0) options.onProgress?.(done, total);
    return out;
  }

  /** One row per input, D finite values each, L2-normalised; else a clear error. */
  private validated(result: ProtocolResult, expected: number, kind: string): Float32Array {
    const { dim } = this;
    const vectors = result.vectors;
    if (!Array.isArray(vectors) || vectors.length !== expected) {
      throw new ProviderApiError(
        `${this.who} returned ${Array.isArray(vectors) ? vectors.length : "no"} vectors for ${expected} ${kind} inputs`,
        {
          provider: this.protocol.provider,
          isRetryable: false,
          hint: "the server did not answer in the documented shape",
        },
      );
    }
    const data = new Float32Array(expected * dim);
    vectors.forEach((v, k) => {
      if (v.length !== dim) {
        throw new ProviderApiError(
          `${this.who} returned ${kind === "image" ? "an" : "a"} ${kind} vector of ${v.length} values; expected ${dim} (the model's dimensions)`,
          {
            provider: this.protocol.provider,
            isRetryable: false,
            hint: "check the model name and ?dimensions= in --model; cached vectors of another size are never mixed in",
          },
        );
      }
      for (let j = 0; j < dim; j++) {
        const x = Number(v[j]);
        if (!Number.isFinite(x)) {
          throw new ProviderApiError(`${this.who} returned a ${kind} vector with a non-finite value`, {
            provider: this.protocol.provider,
            isRetryable: false,
          });
        }
        data[k * dim + j] = x;
      }
    });
    normalizeRows(createEmbeddings(expected, dim, data));
    return data;
  }
}
