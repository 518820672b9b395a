/**
 * Deterministic test doubles for vlmopt packages. They are not models: the hash encoder's
 * embeddings mean nothing and the scripted LLM only repeats what it was given.
 */
import type { ClipEncoder, EmbedOptions, ImageSource } from "./clip-encoder.js";
import { createEmbeddings, type Embeddings, normalizeRows } from "./embeddings.js";
import { throwIfAborted } from "./errors.js";
import { sha256Hex } from "./hashing.js";
import type {
  LlmGenerateOptions,
  LlmGenerateResult,
  LlmProvider,
  LlmRequest,
  ModelPrice,
} from "./llm-provider.js";
import { costOf } from "./llm-provider.js";
import { createRng } from "./rng.js";

function vectorOf(seedText: string, dim: number): Float32Array {
  const seed = Number.parseInt(sha256Hex(seedText).slice(0, 8), 16);
  const rng = createRng(seed);
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = rng.next() * 2 - 1;
  return v;
}

export interface HashEncoderOptions {
  dim?: number;
  id?: string;
  /** Overrides the embedding of an image (e.g. to build a task with a known answer). */
  imageVector?: (image: ImageSource, index: number) => Float32Array | undefined;
  /** Overrides the embedding of a text. */
  textVector?: (text: string) => Float32Array | undefined;
}

/**
 * A hash-based ClipEncoder for tests: a text is the normalised sum of one pseudo-random vector
 * per lower-cased word; an image is a pseudo-random vector from its path or bytes. Records the
 * number of texts and images it encoded.
 */
export class HashEncoder implements ClipEncoder {
  readonly specificationVersion = "v1" as const;
  readonly id: string;
  readonly dim: number;
  readonly modelHash: string;
  readonly maxTextBatch = 64;
  readonly maxImageBatch = 16;
  readonly warning = "hash-based test encoder — accuracy is meaningless";
  textsEncoded = 0;
  /** Calls of embedTexts, so tests can see how texts were batched. */
  textCalls = 0;
  imagesEncoded = 0;

  constructor(private readonly options: HashEncoderOptions = {}) {
    this.dim = options.dim ?? 16;
    this.id = options.id ?? "test:hash";
    this.modelHash = sha256Hex(`${this.id}:${this.dim}`);
  }

  async embedTexts(texts: readonly string[], options: EmbedOptions = {}): Promise<Embeddings> {
    throwIfAborted(options.signal);
    const out = createEmbeddings(texts.length, this.dim);
    texts.forEach((text, i) => {
      const custom = this.options.textVector?.(text);
      if (custom) {
        out.data.set(custom, i * this.dim);
        return;
      }
      for (const word of text.toLowerCase().split(/\s+/).filter(Boolean)) {
        const v = vectorOf(`w:${word}`, this.dim);
        for (let j = 0; j < this.dim; j++)
          out.data[i * this.dim + j] = (out.data[i * this.dim + j] as number) + (v[j] as number);
      }
    });
    this.textsEncoded += texts.length;
    this.textCalls += 1;
    options.onProgress?.(texts.length, texts.length);
    return normalizeRows(out);
  }

  async embedImages(images: readonly ImageSource[], options: EmbedOptions = {}): Promise<Embeddings> {
    throwIfAborted(options.signal);
    const out = createEmbeddings(images.length, this.dim);
    images.forEach((image, i) => {
      const custom = this.options.imageVector?.(image, i);
      const v =
        custom ?? vectorOf(typeof image === "string" ? `p:${image}` : `b:${sha256Hex(image)}`, this.dim);
      out.data.set(v, i * this.dim);
    });
    this.imagesEncoded += images.length;
    options.onProgress?.(images.length, images.length);
    return normalizeRows(out);
  }
}

export type ScriptedReply =
  | string
  | string[]
  | ((request: LlmRequest, callIndex: number) => string | string[]);

export interface ScriptedLlmOptions {
  /** Replies in order; a string answers every sample alike, an array gives one text per sample. */
  replies: readonly ScriptedReply[];
  /** What to do when the script runs out: repeat the last reply, or throw. Default "throw". */
  whenExhausted?: "repeat-last" | "throw";
  price?: ModelPrice | null;
  modelId?: string;
}

/** A scripted LlmProvider for tests. Records every request it was given in `calls`. */
export class ScriptedLlm implements LlmProvider {
  readonly specificationVersion = "v1" as const;
  readonly provider = "scripted";
  readonly modelId: string;
  readonly price: ModelPrice | null;
  readonly warning = "scripted test double — not an LLM";
  readonly calls: LlmRequest[] = [];

  constructor(private readonly options: ScriptedLlmOptions) {
    this.modelId = options.modelId ?? "script";
    this.price = options.price ?? null;
  }

  async generate(request: LlmRequest, options: LlmGenerateOptions = {}): Promise<LlmGenerateResult> {
    throwIfAborted(options.signal);
    const index = this.calls.length;
    this.calls.push(structuredClone(request) as LlmRequest);
    const { replies } = this.options;
    let reply = replies[index];
    if (reply === undefined) {
      if (this.options.whenExhausted === "repeat-last" && replies.length > 0)
        reply = replies[replies.length - 1];
      else throw new Error(`ScriptedLlm has no reply for call ${index + 1} (script has ${replies.length})`);
    }
    const value = typeof reply === "function" ? reply(request, index) : (reply as string | string[]);
    const n = request.n ?? 1;
    const texts = Array.isArray(value) ? value.slice(0, n) : Array.from({ length: n }, () => value);
    const inputTokens = request.messages.reduce((s, m) => s + Math.ceil(m.content.length / 4), 0);
    const outputTokens = texts.reduce((s, t) => s + Math.ceil(t.length / 4), 0);
    const usage = {
      inputTokens,
      outputTokens,
      costUsd: this.price ? costOf({ inputTokens, outputTokens }, this.price) : null,
    };
    return { texts, usage };
  }
}
export { MemoryRunStore } from "./memory-run-store.js";
export { tinyPng } from "./tiny-png.js";
