import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import {
  type ClipEncoder,
  createEmbeddings,
  type EmbeddingCache,
  type Embeddings,
  type EmbedOptions,
  type ImageSource,
  ModelLoadError,
  normalizeRows,
  sha256Hex,
  throwIfAborted,
} from "@vlmopt/core";
import * as ort from "onnxruntime-node";
import { ClipTokenizer } from "./clip-tokenizer.js";
import { type PreprocessConfig, preprocessImage, readPreprocessConfig } from "./image-preprocess.js";
import type { ClipModelFiles } from "./model-files.js";

export interface OnnxClipEncoderOptions {
  id: string;
  modelHash: string;
  warning?: string;
  /** onnxruntime intra-op threads. Default: the machine's available parallelism. */
  threads?: number;
  maxTextBatch?: number;
  maxImageBatch?: number;
  /** Optional persistent text-feature cache (texts are always cached in memory too). */
  textCache?: EmbeddingCache;
  /** Most texts kept in the in-memory text cache (default 50,000). */
  maxMemoryTexts?: number;
}

interface TensorMeta {
  name: string;
  type: string | undefined;
  shape: readonly (number | string)[] | undefined;
}

function metaOf(list: readonly ort.InferenceSession.ValueMetadata[] | undefined, name: string): TensorMeta {
  const m = list?.find((x) => x.name === name);
  if (m?.isTensor) return { name, type: m.type, shape: m.shape };
  return { name, type: undefined, shape: undefined };
}

async function createSession(path: string, threads: number): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(path, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    });
  } catch (error) {
    throw new ModelLoadError(`onnxruntime cannot load ${path}: ${(error as Error).message}`, {
      hint: "The file must be a valid ONNX model (re-download it, or re-export it with optimum)",
      cause: error,
    });
  }
}

function shapeError(file: string, what: string, got: unknown): ModelLoadError {
  return new ModelLoadError(`${file} is not a CLIP export: ${what}, got ${JSON.stringify(got)}`, {
    hint: "Expected the HF/Xenova export: text_model.onnx (input_ids [batch, seq] int64 → text_embeds [batch, D]) and vision_model.onnx (pixel_values [batch, 3, H, W] float32 → image_embeds [batch, D])",
  });
}

/** Checks a session's inputs and outputs against the HF CLIP export; returns the embedding dim if known. */
function validateTower(
  session: ort.InferenceSession,
  file: string,
  tower: "text" | "vision",
  cfg: PreprocessConfig,
): { dim: number | undefined; fixedSeq: number | undefined } {
  const inputName = tower === "text" ? "input_ids" : "pixel_values";
  const outputName = tower === "text" ? "text_embeds" : "image_embeds";
  const allowed = tower === "text" ? ["input_ids", "attention_mask", "position_ids"] : ["pixel_values"];
  if (!session.inputNames.includes(inputName)) {
    throw shapeError(file, `expected an input named "${inputName}"`, session.inputNames);
  }
  const extra = session.inputNames.filter((n) => !allowed.includes(n));
  if (extra.length > 0) throw shapeError(file, `unexpected inputs (allowed: ${allowed.join(", ")})`, extra);
  if (!session.outputNames.includes(outputName)) {
    throw shapeError(file, `expected an output named "${outputName}"`, session.outputNames);
  }
  const input = metaOf(session.inputMetadata, inputName);
  const output = metaOf(session.outputMetadata, outputName);
  let fixedSeq: number | undefined;
  if (tower === "text") {
    if (input.type && input.type !== "int64") throw shapeError(file, "input_ids must be int64", input.type);
    if (input.shape && input.shape.length !== 2)
      throw shapeError(file, "input_ids must be [batch, seq]", input.shape);
    if (typeof input.shape?.[1] === "number") fixedSeq = input.shape[1];
  } else {
    if (input.type && input.type !== "float32")
      throw shapeError(file, "pixel_values must be float32", input.type);
    const s = input.shape;
    if (s && (s.length !== 4 || (typeof s[1] === "number" && s[1] !== 3))) {
      throw shapeError(file, "pixel_values must be [batch, 3, H, W]", s);
    }
    if (s && typeof s[2] === "number" && typeof s[3] === "number") {
      if (s[2] !== cfg.cropHeight || s[3] !== cfg.cropWidth) {
        throw shapeError(
          file,
          `pixel_values is ${s[2]}x${s[3]} but preprocessor_config.json crops to ${cfg.cropHeight}x${cfg.cropWidth}`,
          s,
        );
      }
    }
  }
  if (output.shape && output.shape.length !== 2) {
    throw shapeError(file, `${outputName} must be [batch, D]`, output.shape);
  }
  const d = output.shape?.[1];
  return { dim: typeof d === "number" ? d : undefined, fixedSeq };
}

/** A ClipEncoder running the HF/Xenova CLIP ONNX export on onnxruntime-node (CPU). */
export class OnnxClipEncoder implements ClipEncoder {
  readonly specificationVersion = "v1" as const;
  readonly id: string;
  readonly dim: number;
  readonly modelHash: string;
  readonly maxTextBatch: number;
  readonly maxImageBatch: number;
  readonly warning?: string;
  readonly threads: number;
  private readonly textMemo = new Map<string, Float32Array>();

  private constructor(
    private readonly text: ort.InferenceSession,
    private readonly vision: ort.InferenceSession,
    readonly tokenizer: ClipTokenizer,
    readonly preprocess: PreprocessConfig,
    dim: number,
    private readonly fixedSeq: number | undefined,
    private readonly options: OnnxClipEncoderOptions,
    threads: number,
  ) {
    this.id = options.id;
    this.modelHash = options.modelHash;
    this.dim = dim;
    this.maxTextBatch = options.maxTextBatch ?? 64;
    this.maxImageBatch = options.maxImageBatch ?? 16;
    this.threads = threads;
    if (options.warning) this.warning = options.warning;
  }

  static async load(files: ClipModelFiles, options: OnnxClipEncoderOptions): Promise<OnnxClipEncoder> {
    const threads = Math.max(1, options.threads ?? availableParallelism());
    const preprocess = await readPreprocessConfig(files.preprocessor);
    let contextLength = 77;
    if (files.config) {
      try {
        const cfg = JSON.parse(await readFile(files.config, "utf8")) as {
          text_config?: { max_position_embeddings?: number };
        };
        contextLength = cfg.text_config?.max_position_embeddings ?? 77;
      } catch (error) {
        throw new ModelLoadError(`Cannot parse ${files.config}: ${(error as Error).message}`, {
          hint: "Use the config.json of the model's HF repo",
          cause: error,
        });
      }
    }
    const tokenizer = await ClipTokenizer.fromFile(files.tokenizer, contextLength);
    const text = await createSession(files.textModel, threads);
    const vision = await createSession(files.visionModel, threads).catch(async (e: unknown) => {
      await text.release();
      throw e;
    });
    try {
      const t = validateTower(text, files.textModel, "text", preprocess);
      const v = validateTower(vision, files.visionModel, "vision", preprocess);
      const encoder = new OnnxClipEncoder(
        text,
        vision,
        tokenizer,
        preprocess,
        t.dim ?? v.dim ?? 0,
        t.fixedSeq,
        options,
        threads,
      );
      // Dims not in the graph's metadata: learn them from one tiny run of each tower.
      const td = t.dim ?? (await encoder.runText([tokenizer.encode("")])).dim;
      const vd =
        v.dim ??
        (await encoder.runVision(new Float32Array(3 * preprocess.cropHeight * preprocess.cropWidth), 1)).dim;
      if (td !== vd) {
        throw new ModelLoadError(
          `${files.textModel} gives text_embeds of size ${td} but ${files.visionModel} gives image_embeds of size ${vd}`,
          { hint: "Both towers must come from the same CLIP model" },
        );
      }
      if (encoder.dim !== td)
        return new OnnxClipEncoder(text, vision, tokenizer, preprocess, td, t.fixedSeq, options, threads);
      return encoder;
    } catch (error) {
      await text.release();
      await vision.release();
      throw error;
    }
  }

  /** Runs the text tower on rows of token ids (from `tokenizer.encode`). */
  private async runText(rows: readonly (readonly number[])[]): Promise<Embeddings> {
    const tb = this.tokenizer.padRows(rows, this.fixedSeq ? { padTo: this.fixedSeq } : {});
    const dims = [tb.batch, tb.sequenceLength];
    const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor("int64", tb.ids, dims) };
    if (this.text.inputNames.includes("attention_mask")) {
      feeds.attention_mask = new ort.Tensor("int64", tb.attentionMask, dims);
    }
    if (this.text.inputNames.includes("position_ids")) {
      const pos = new BigInt64Array(tb.batch * tb.sequenceLength);
      for (let i = 0; i < pos.length; i++) pos[i] = BigInt(i % tb.sequenceLength);
      feeds.position_ids = new ort.Tensor("int64", pos, dims);
    }
    const result = await this.text.run(feeds, ["text_embeds"]);
    return toEmbeddings(result.text_embeds, rows.length);
  }

  private async runVision(pixels: Float32Array, count: number): Promise<Embeddings> {
    const { cropHeight: h, cropWidth: w } = this.preprocess;
    const result = await this.vision.run(
      { pixel_values: new ort.Tensor("float32", pixels, [count, 3, h, w]) },
      ["image_embeds"],
    );
    return toEmbeddings(result.image_embeds, count);
  }

  private textKey(text: string): string {
    return `${this.id}:${this.modelHash}:text:${sha256Hex(text)}`;
  }

  async embedTexts(texts: readonly string[], options: EmbedOptions = {}): Promise<Embeddings> {
    throwIfAborted(options.signal);
    const out = createEmbeddings(texts.length, this.dim);
    const todo: number[] = [];
    const unique = new Map<string, number[]>();
    for (let i = 0; i < texts.length; i++) {
      const t = texts[i] as string;
      const hit = this.textMemo.get(t) ?? (await this.options.textCache?.match(this.textKey(t)));
      if (hit && hit.length === this.dim) {
        out.data.set(hit, i * this.dim);
        this.remember(t, hit);
        continue;
      }
      const seen = unique.get(t);
      if (seen) seen.push(i);
      else {
        unique.set(t, [i]);
        todo.push(i);
      }
    }
    let done = texts.length - todo.length;
    // A batch is padded to its longest prompt, so batching prompts of similar length wastes
    // less compute (CLIP's text tower is causal and reads out at the end token, so padding does
    // not change an embedding). Sort by token count; the sort is stable.
    const tokens: number[][] = [];
    for (const i of todo) tokens[i] = this.tokenizer.encode(texts[i] as string);
    const length = (i: number) => (tokens[i] as number[]).length;
    if (this.fixedSeq === undefined) todo.sort((a, b) => length(a) - length(b));
    for (let start = 0; start < todo.length; start += this.maxTextBatch) {
      throwIfAborted(options.signal);
      const idx = todo.slice(start, start + this.maxTextBatch);
      const batchTexts = idx.map((i) => texts[i] as string);
      const emb = normalizeRows(await this.runText(idx.map((i) => tokens[i] as number[])));
      for (let m = 0; m < idx.length; m++) {
        const vec = emb.data.slice(m * this.dim, (m + 1) * this.dim);
        const t = batchTexts[m] as string;
        for (const i of unique.get(t) ?? []) out.data.set(vec, i * this.dim);
        this.remember(t, vec);
        await this.options.textCache?.put(this.textKey(t), vec);
        done += (unique.get(t) ?? []).length;
      }
      options.onProgress?.(done, texts.length);
    }
    if (todo.length === 0) options.onProgress?.(texts.length, texts.length);
    return out;
  }

  private remember(text: string, vec: Float32Array): void {
    this.textMemo.delete(text);
    this.textMemo.set(text, vec);
    if (this.textMemo.size > (this.options.maxMemoryTexts ?? 50_000)) {
      const oldest = this.textMemo.keys().next().value;
      if (oldest !== undefined) this.textMemo.delete(oldest);
    }
  }

  private async prepareBatch(
    images: readonly ImageSource[],
    start: number,
    count: number,
  ): Promise<Float32Array> {
    const { cropHeight: h, cropWidth: w } = this.preprocess;
    const size = 3 * h * w;
    const pixels = new Float32Array(count * size);
    await Promise.all(
      Array.from({ length: count }, (_, m) =>
        preprocessImage(images[start + m] as ImageSource, this.preprocess, pixels, m * size, start + m),
      ),
    );
    return pixels;
  }

  /**
   * Encodes images batch by batch; the next batch is decoded while the current one runs, so at
   * most two batches of pixels are in memory.
   */
  async embedImages(images: readonly ImageSource[], options: EmbedOptions = {}): Promise<Embeddings> {
    throwIfAborted(options.signal);
    const out = createEmbeddings(images.length, this.dim);
    const batch = this.maxImageBatch;
    const sizeAt = (start: number) => Math.min(batch, images.length - start);
    let next: Promise<Float32Array> | undefined =
      images.length > 0 ? this.prepareBatch(images, 0, sizeAt(0)) : undefined;
    for (let start = 0; start < images.length; start += batch) {
      const count = sizeAt(start);
      const pixels = await (next as Promise<Float32Array>);
      next = undefined;
      throwIfAborted(options.signal);
      const following = start + batch;
      if (following < images.length) {
        next = this.prepareBatch(images, following, sizeAt(following));
        // Avoid an unhandled rejection if this batch fails first; the error is rethrown on await.
        next.catch(() => {});
      }
      const emb = normalizeRows(await this.runVision(pixels, count));
      out.data.set(emb.data, start * this.dim);
      options.onProgress?.(start + count, images.length);
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.text.release();
    await this.vision.release();
  }
}

function toEmbeddings(tensor: ort.Tensor | undefined, count: number): Embeddings {
  if (tensor?.type !== "float32" || tensor.dims.length !== 2 || tensor.dims[0] !== count) {
    throw new ModelLoadError(
      `The model returned ${tensor ? `${tensor.type} [${tensor.dims.join(", ")}]` : "nothing"}, expected float32 [${count}, D]`,
      { hint: "The ONNX export does not follow the HF CLIP layout" },
    );
  }
  const dim = tensor.dims[1] as number;
  return createEmbeddings(count, dim, new Float32Array(tensor.data as Float32Array));
}
