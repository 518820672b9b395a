import type { ClipEncoder } from "./clip-encoder.js";
import type { EmbeddingCache } from "./embedding-cache.js";
import { createEmbeddings, type Embeddings, normalizeRows } from "./embeddings.js";
import { ConfigError } from "./errors.js";
import { fillTemplate } from "./template.js";
import { embedTextsCached } from "./text-embeddings.js";
import { argmaxDotWasm, wasmArgmaxFits, wasmSimdAvailable } from "./wasm-dot-kernel.js";

/** Image features of one split with their labels. */
export interface SplitFeatures {
  features: Embeddings;
  labels: Int32Array;
  /** The image behind each row, in row order (set by extractFeatures). */
  paths?: readonly string[];
}

export interface AccuracyResult {
  /** Fraction correct in [0, 1]; 0 for an empty split. */
  accuracy: number;
  correct: number;
  total: number;
  /** Per class: fraction correct, or null when the split has no image of that class. */
  perClass: (number | null)[];
}

export interface ClassifyOptions {
  /**
   * "auto" (default): WebAssembly SIMD when the runtime has it and the problem is big enough to
   * repay the setup, else JavaScript. "js" / "wasm" force one (the predictions are identical: both
   * accumulate float64 in the same order). "wasm" throws a ConfigError where SIMD is unavailable;
   * empty inputs, and shapes whose packed copies exceed 2 GiB, run in JavaScript on any backend.
   */
  backend?: "auto" | "js" | "wasm";
}

/** Below this many multiply-adds (images × classes × dim) "auto" stays in JavaScript. */
const WASM_MIN_WORK = 1 << 15;

/**
 * Predicted class per image: argmax over classes of image · class embedding. An exact tie in
 * logits goes to the lower class index (the first maximum wins). Dot products are float32 values
 * multiplied and summed in float64, in dimension order, on either backend.
 */
export function classify(images: Embeddings, classes: Embeddings, options: ClassifyOptions = {}): Int32Array {
  if (images.dim !== classes.dim) {
    throw new RangeError(
      `image features have dim ${images.dim} but class embeddings have dim ${classes.dim}`,
    );
  }
  const backend = options.backend ?? "auto";
  const { dim } = images;
  const N = images.count;
  const C = classes.count;
  if (backend === "wasm" || (backend === "auto" && N * C * dim >= WASM_MIN_WORK && wasmSimdAvailable())) {
    if (backend === "wasm" && !wasmSimdAvailable()) {
      throw new ConfigError('classify backend "wasm" needs WebAssembly SIMD, which this runtime lacks', {
        hint: 'use backend "auto" or "js"',
      });
    }
    // Empty inputs, and shapes too big for the kernel's memory, stay in JavaScript.
    const best = wasmArgmaxFits(N, C, dim) ? argmaxDotWasm(images.data, N, classes.data, C, dim) : null;
    if (best) return best;
  }
  return classifyJs(images, classes);
}

function classifyJs(images: Embeddings, classes: Embeddings): Int32Array {
  const { dim } = images;
  const a = images.data;
  const b = classes.data;
  const N = images.count;
  const C = classes.count;
  const best = new Int32Array(N).fill(-1);
  const bestScore = new Float64Array(N).fill(Number.NEGATIVE_INFINITY);
  // Classes are visited in increasing order for every image and only a strictly higher score
  // replaces the best, so an exact tie keeps the lower class index.
  const consider = (i: number, c: number, score: number) => {
    if (score > (bestScore[i] as number)) {
      bestScore[i] = score;
      best[i] = c;
    }
  };
  const C4 = C - (C % 4);
  const N2 = N - (N % 2);
  // Register blocking: two images × four classes per pass over the dimension.
  for (let i = 0; i < N2; i += 2) {
    const ia = i * dim;
    const ib = ia + dim;
    for (let c = 0; c < C4; c += 4) {
      const b0 = c * dim;
      const b1 = b0 + dim;
      const b2 = b1 + dim;
      const b3 = b2 + dim;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let j = 0; j < dim; j++) {
        const x = a[ia + j] as number;
        const y = a[ib + j] as number;
        const p = b[b0 + j] as number;
        const q = b[b1 + j] as number;
        const r = b[b2 + j] as number;
        const u = b[b3 + j] as number;
        s0 += x * p;
        s1 += x * q;
        s2 += x * r;
        s3 += x * u;
        t0 += y * p;
        t1 += y * q;
        t2 += y * r;
        t3 += y * u;
      }
      consider(i, c, s0);
      consider(i, c + 1, s1);
      consider(i, c + 2, s2);
      consider(i, c + 3, s3);
      consider(i + 1, c, t0);
      consider(i + 1, c + 1, t1);
      consider(i + 1, c + 2, t2);
      consider(i + 1, c + 3, t3);
    }
  }
  const dot = (i: number, c: number) => {
    const ia = i * dim;
    const cb = c * dim;
    let s = 0;
    for (let j = 0; j < dim; j++) s += (a[ia + j] as number) * (b[cb + j] as number);
    return s;
  };
  // The classes left over by the blocks, for the blocked images; then the last odd image.
  for (let i = 0; i < N2; i++) for (let c = C4; c < C; c++) consider(i, c, dot(i, c));
  for (let i = N2; i < N; i++) for (let c = 0; c < C; c++) consider(i, c, dot(i, c));
  return best;
}

export function accuracyOf(predictions: Int32Array, labels: Int32Array, numClasses: number): AccuracyResult {
  if (predictions.length !== labels.length) {
    throw new RangeError(`${predictions.length} predictions for ${labels.length} labels`);
  }
  const hits = new Array<number>(numClasses).fill(0);
  const totals = new Array<number>(numClasses).fill(0);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    totals[y] = (totals[y] ?? 0) + 1;
    if (predictions[i] === y) {
      correct++;
      hits[y] = (hits[y] ?? 0) + 1;
    }
  }
  return {
    accuracy: labels.length === 0 ? 0 : correct / labels.length,
    correct,
    total: labels.length,
    perClass: totals.map((t, c) => (t === 0 ? null : (hits[c] as number) / t)),
  };
}

/** Images of class `actual` that were predicted as class `predicted`. */
export interface ConfusedPair {
  actual: number;
  predicted: number;
  count: number;
  /** count / images of class `actual`. */
  share: number;
}

/** The `limit` most frequent (actual, predicted) mistakes, most frequent first (ties: lower class first). */
export function confusedPairs(predictions: Int32Array, labels: Int32Array, limit = 10): ConfusedPair[] {
  if (predictions.length !== labels.length) {
    throw new RangeError(`${predictions.length} predictions for ${labels.length} labels`);
  }
  const totals = new Map<number, number>();
  const counts = new Map<string, ConfusedPair>();
  for (let i = 0; i < labels.length; i++) {
    const actual = labels[i] as number;
    const predicted = predictions[i] as number;
    totals.set(actual, (totals.get(actual) ?? 0) + 1);
    if (actual === predicted) continue;
    const key = `${actual}:${predicted}`;
    const pair = counts.get(key) ?? { actual, predicted, count: 0, share: 0 };
    pair.count++;
    counts.set(key, pair);
  }
  const pairs = [...counts.values()].map((p) => ({ ...p, share: p.count / (totals.get(p.actual) ?? 1) }));
  pairs.sort((a, b) => b.count - a.count || a.actual - b.actual || a.predicted - b.predicted);
  return pairs.slice(0, limit);
}

/**
 * CLIP's prompt ensemble: the mean of each class's (normalised) embeddings over templates,
 * re-normalised.
 */
export function ensembleClassEmbeddings(perTemplate: readonly Embeddings[]): Embeddings {
  const first = perTemplate[0];
  if (!first) throw new RangeError("an ensemble needs at least one template");
  const out = createEmbeddings(first.count, first.dim);
  for (const e of perTemplate) addInto(out, e);
  return normalizeRows(out);
}

/** out += e, element by element (same shape required). */
function addInto(out: Embeddings, e: Embeddings): void {
  if (e.count !== out.count || e.dim !== out.dim) throw new RangeError("ensemble members differ in shape");
  for (let i = 0; i < e.data.length; i++) out.data[i] = (out.data[i] as number) + (e.data[i] as number);
}

export interface TemplateScorerOptions {
  encoder: ClipEncoder;
  classNames: readonly string[];
  /** Caches each filled prompt's text embedding; keyed by encoder id + hash + text. */
  textCache?: EmbeddingCache;
  signal?: AbortSignal;
  /**
   * Most prompts sent to the encoder in one call when several templates are embedded together
   * (default 8 × the encoder's maxTextBatch). Bigger calls let the encoder batch prompts of
   * similar length; smaller ones keep less work in flight.
   */
  maxTextsPerCall?: number;
}

/** Scores templates against cached image features with one encoder and one class list. */
export class TemplateScorer {
  /** Class embeddings computed ahead by `prefetch`, each handed out once by `classEmbeddings`. */
  private readonly prefetched = new Map<string, Embeddings>();

  constructor(private readonly options: TemplateScorerOptions) {}

  /** Templates per encoder call when embedding several together (at least one). */
  get templatesPerCall(): number {
    const { encoder, classNames, maxTextsPerCall } = this.options;
    const texts = maxTextsPerCall ?? 8 * Math.max(1, encoder.maxTextBatch);
    return Math.max(1, Math.floor(texts / Math.max(1, classNames.length)));
  }

  /** C×D class embeddings of a template (every class name filled in), L2-normalised. */
  async classEmbeddings(template: string): Promise<Embeddings> {
    const ready = this.prefetched.get(template);
    if (ready) {
      this.prefetched.delete(template);
      return ready;
    }
    return (await this.embedTogether([template]))[0] as Embeddings;
  }

  /**
   * Class embeddings of several templates, in as few encoder calls as `templatesPerCall` allows,
   * so the encoder can batch prompts across templates.
   */
  async classEmbeddingsOfMany(templates: readonly string[]): Promise<Embeddings[]> {
    const out: Embeddings[] = [];
    for await (const part of this.embedInCalls(templates)) out.push(...part);
    return out;
  }

  /** The class embeddings of these templates, one encoder call (`templatesPerCall`) at a time. */
  private async *embedInCalls(templates: readonly string[]): AsyncGenerator<Embeddings[]> {
    const per = this.templatesPerCall;
    for (let start = 0; start < templates.length; start += per) {
      yield await this.embedTogether(templates.slice(start, start + per));
    }
  }

  /**
   * Embeds these templates now (one encoder call) so that the next `classEmbeddings` of each
   * returns at once. Unused results are dropped by `clearPrefetched`.
   */
  async prefetch(templates: readonly string[]): Promise<void> {
    const todo = [...new Set(templates)].filter((t) => !this.prefetched.has(t));
    if (todo.length === 0) return;
    const embedded = await this.embedTogether(todo);
    todo.forEach((t, i) => {
      this.prefetched.set(t, embedded[i] as Embeddings);
    });
  }

  hasPrefetched(template: string): boolean {
    return this.prefetched.has(template);
  }

  clearPrefetched(): void {
    this.prefetched.clear();
  }

  /** One encoder call for every prompt of these templates that the text cache does not hold. */
  private async embedTogether(templates: readonly string[]): Promise<Embeddings[]> {
    const { encoder, classNames } = this.options;
    const c = classNames.length;
    const texts = templates.flatMap((template) => classNames.map((name) => fillTemplate(template, name)));
    const all = await embedTextsCached(this.options, texts);
    // Views into one buffer: no copy per template.
    return templates.map((_, k) =>
      createEmbeddings(c, encoder.dim, all.data.subarray(k * c * encoder.dim, (k + 1) * c * encoder.dim)),
    );
  }

  /**
   * Class embeddings of several templates averaged as CLIP's ensemble. Summed one encoder call at
   * a time, so memory stays at one call's embeddings however many templates there are.
   */
  async ensembleEmbeddings(templates: readonly string[]): Promise<Embeddings> {
    if (templates.length === 0) throw new RangeError("an ensemble needs at least one template");
    const sum = createEmbeddings(this.options.classNames.length, this.options.encoder.dim);
    for await (const part of this.embedInCalls(templates)) for (const e of part) addInto(sum, e);
    return normalizeRows(sum);
  }

  /** Predicted class of every image of a split. */
  predict(classes: Embeddings, split: SplitFeatures): Int32Array {
    return classify(split.features, classes);
  }

  /** Accuracy of class embeddings on a split. */
  score(classes: Embeddings, split: SplitFeatures): AccuracyResult {
    return accuracyOf(this.predict(classes, split), split.labels, this.options.classNames.length);
  }

  async scoreTemplate(template: string, split: SplitFeatures): Promise<AccuracyResult> {
    return this.score(await this.classEmbeddings(template), split);
  }
}
