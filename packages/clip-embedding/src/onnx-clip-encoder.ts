import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import {
  type ClipEncoder,
  ConfigError,
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
import { type PreprocessConfig, preprocessImage } from "./image-preprocess.js";
import type { ResolvedClipModel, Scoring } from "./model-layouts.js";

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
  /** cpu (default), cuda or cuda:N. */
  device?: string;
  /** Overrides the scoring's SigLIP logit scale / bias (when the repo's files do not carry them). */
  logitScale?: number;
  logitBias?: number;
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

/** Where a tower runs: onnxruntime's CPU provider, or CUDA (`cuda` / `cuda:N`). */
export type ClipDevice = "cpu" | `cuda${"" | `:${number}`}`;

/** onnxruntime-node's CUDA provider library, shipped only when installed with ONNXRUNTIME_NODE_INSTALL=cuda12. */
export function cudaProviderLibrary(): string {
  const binding = dirname(createRequire(import.meta.url).resolve("onnxruntime-node"));
  return join(
    binding,
    "..",
    "bin",
    "napi-v6",
    process.platform,
    process.arch,
    "libonnxruntime_providers_cuda.so",
  );
}

export function parseDevice(
  device: string | undefined,
): { name: "cpu" } | { name: "cuda"; deviceId: number } {
  if (!device || device === "cpu") return { name: "cpu" };
  const m = /^cuda(?::(\d+))?$/.exec(device);
  if (!m) {
    throw new ConfigError(`Unknown device "${device}"`, {
      hint: "Use cpu, cuda or cuda:N (N = the GPU's index)",
    });
  }
  return { name: "cuda", deviceId: Number(m[1] ?? 0) };
}

/**
 * Throws when `device` cannot run here: an unknown name (ConfigError), or cuda without
 * onnxruntime-node's CUDA provider library (ModelLoadError saying exactly that and how to install it).
 */
export function assertDeviceAvailable(device: string | undefined): void {
  const dev = parseDevice(device);
  if (dev.name === "cuda" && !existsSync(cudaProviderLibrary())) {
    throw new ModelLoadError(
      `--device ${device}: onnxruntime-node's CUDA execution provider is not installed (${cudaProviderLibrary()} is absent)`,
      {
        hint: "Reinstall onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12 (allow its install script in pnpm-workspace.yaml), on a machine with CUDA 12 and cuDNN 9; or use --device cpu",
      },
    );
  }
}

async function createSession(path: string, threads: number, device?: string): Promise<ort.InferenceSession> {
  assertDeviceAvailable(device);
  const dev = parseDevice(device);
  try {
    return await ort.InferenceSession.create(path, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
      ...(dev.name === "cuda" ? { executionProviders: [{ name: "cuda", deviceId: dev.deviceId }] } : {}),
    });
  } catch (error) {
    const cuda = dev.name === "cuda";
    throw new ModelLoadError(
      `onnxruntime cannot load ${path}${cuda ? ` on ${device}` : ""}: ${(error as Error).message}`,
      {
        hint: cuda
          ? "The CUDA provider needs CUDA 12 and cuDNN 9 libraries on the library path, and a visible GPU of that index"
          : "The file must be a valid ONNX model (re-download it, or re-export it)",
        cause: error,
      },
    );
  }
}

const EXPECTED_IO =
  "Expected a CLIP-family export: text tower input_ids int64 (HF/Xenova) or text int32 (immich OpenCLIP) [batch, seq] → text_embeds, pooler_output or embedding [batch, D]; image tower pixel_values or image float32 [batch, 3, H, W] → image_embeds, pooler_output or embedding [batch, D]";

function shapeError(file: string, what: string, got: unknown): ModelLoadError {
  return new ModelLoadError(`${file} is not a CLIP export: ${what}, got ${JSON.stringify(got)}`, {
    hint: EXPECTED_IO,
  });
}

/** A tower's input and output names and fixed sizes, read from the graph. */
export interface TowerShape {
  input: string;
  output: string;
  idType: "int64" | "int32";
  dim: number | undefined;
  fixedSeq: number | undefined;
  fixedBatch: number | undefined;
}

const TEXT_INPUTS = ["input_ids", "text"];
const TEXT_OUTPUTS = ["text_embeds", "embedding", "pooler_output"];
const VISION_INPUTS = ["pixel_values", "image"];
const VISION_OUTPUTS = ["image_embeds", "embedding", "pooler_output"];

/** Reads a tower's I/O from the graph and checks it against the known CLIP-family exports. */
function validateTower(
  session: ort.InferenceSession,
  file: string,
  tower: "text" | "vision",
  cfg: PreprocessConfig,
): TowerShape {
  const inputs = tower === "text" ? TEXT_INPUTS : VISION_INPUTS;
  const outputs = tower === "text" ? TEXT_OUTPUTS : VISION_OUTPUTS;
  const inputName = inputs.find((n) => session.inputNames.includes(n));
  if (!inputName) {
    throw shapeError(
      file,
      `expected an input named "${inputs[0]}" (or "${inputs.slice(1).join('", "')}")`,
      session.inputNames,
    );
  }
  const allowed = tower === "text" ? [inputName, "attention_mask", "position_ids"] : [inputName];
  const extra = session.inputNames.filter((n) => !allowed.includes(n));
  if (extra.length > 0) throw shapeError(file, `unexpected inputs (allowed: ${allowed.join(", ")})`, extra);
  const outputName = outputs.find((n) => session.outputNames.includes(n));
  if (!outputName) {
    throw shapeError(file, `expected an output named "${outputs.join('", "')}"`, session.outputNames);
  }
  const input = metaOf(session.inputMetadata, inputName);
  const output = metaOf(session.outputMetadata, outputName);
  let fixedSeq: number | undefined;
  let idType: "int64" | "int32" = "int64";
  if (tower === "text") {
    if (input.type && input.type !== "int64" && input.type !== "int32")
      throw shapeError(file, `${inputName} must be int64 or int32`, input.type);
    if (input.type === "int32") idType = "int32";
    if (input.shape && input.shape.length !== 2)
      throw shapeError(file, `${inputName} must be [batch, seq]`, input.shape);
    if (typeof input.shape?.[1] === "number") fixedSeq = input.shape[1];
  } else {
    if (input.type && input.type !== "float32")
      throw shapeError(file, `${inputName} must be float32`, input.type);
    const s = input.shape;
    if (s && (s.length !== 4 || (typeof s[1] === "number" && s[1] !== 3))) {
      throw shapeError(file, `${inputName} must be [batch, 3, H, W]`, s);
    }
    if (s && typeof s[2] === "number" && typeof s[3] === "number") {
      if (s[2] !== cfg.cropHeight || s[3] !== cfg.cropWidth) {
        throw shapeError(
          file,
          `${inputName} is ${s[2]}x${s[3]} but the preprocessing config makes ${cfg.cropHeight}x${cfg.cropWidth} images`,
          s,
        );
      }
    }
  }
  if (output.shape && output.shape.length !== 2) {
    throw shapeError(file, `${outputName} must be [batch, D]`, output.shape);
  }
  const b = input.shape?.[0];
  const d = output.shape?.[1];
  return {
    input: inputName,
    output: outputName,
    idType,
    dim: typeof d === "number" ? d : undefined,
    fixedSeq,
    fixedBatch: typeof b === "number" && b > 0 ? b : undefined,
  };
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
  /** The file layout the model came in, and whether it is a CLIP or a SigLIP. */
  readonly layout: ResolvedClipModel["layout"];
  readonly family: ResolvedClipModel["family"];
  /** How to turn cosine similarities into probabilities (see `matchProbabilities`). */
  readonly scoring: Scoring;
  private readonly textMemo = new Map<string, Float32Array>();

  private constructor(
    private readonly text: ort.InferenceSession,
    private readonly vision: ort.InferenceSession,
    readonly tokenizer: ClipTokenizer,
    readonly preprocess: PreprocessConfig,
    dim: number,
    private readonly textShape: TowerShape,
    private readonly visionShape: TowerShape,
    private readonly options: OnnxClipEncoderOptions,
    threads: number,
    private readonly model: ResolvedClipModel,
  ) {
    this.id = options.id;
    this.modelHash = options.modelHash;
    this.dim = dim;
    this.maxTextBatch = options.maxTextBatch ?? 64;
    this.maxImageBatch = options.maxImageBatch ?? 16;
    this.threads = threads;
    this.layout = model.layout;
    this.family = model.family;
    this.scoring =
      model.scoring.kind === "sigmoid"
        ? {
            kind: "sigmoid",
            logitScale: options.logitScale ?? model.scoring.logitScale,
            logitBias: options.logitBias ?? model.scoring.logitBias,
            ...(options.logitScale !== undefined || options.logitBias !== undefined
              ? { source: "options" }
              : model.scoring.source
                ? { source: model.scoring.source }
                : {}),
          }
        : { kind: "softmax", logitScale: options.logitScale ?? model.scoring.logitScale };
    if (options.warning) this.warning = options.warning;
  }

  /** Batch size of the graphs when fixed (immich's exports: 1), else undefined. */
  get fixedBatch(): { text: number | undefined; vision: number | undefined } {
    return { text: this.textShape.fixedBatch, vision: this.visionShape.fixedBatch };
  }

  /** The ONNX files and their I/O as read from the graphs (for benchmarks against bare session.run). */
  get graphs(): {
    textModel: string;
    visionModel: string;
    text: Readonly<TowerShape>;
    vision: Readonly<TowerShape>;
  } {
    return {
      textModel: this.model.textModel,
      visionModel: this.model.visionModel,
      text: { ...this.textShape },
      vision: { ...this.visionShape },
    };
  }

  static async load(model: ResolvedClipModel, options: OnnxClipEncoderOptions): Promise<OnnxClipEncoder> {
    const threads = Math.max(1, options.threads ?? availableParallelism());
    const preprocess = model.preprocess;
    const tokenizer = await ClipTokenizer.fromFile(model.tokenizer, {
      contextLength: model.contextLength,
      padToContext: model.padToContext,
      ...(model.padToken ? { padToken: model.padToken } : {}),
      ...(model.eosToken && model.family === "siglip" ? { eosToken: model.eosToken } : {}),
    });
    const text = await createSession(model.textModel, threads, options.device);
    const vision = await createSession(model.visionModel, threads, options.device).catch(
      async (e: unknown) => {
        await text.release();
        throw e;
      },
    );
    try {
      const t = validateTower(text, model.textModel, "text", preprocess);
      const v = validateTower(vision, model.visionModel, "vision", preprocess);
      const make = (dim: number) =>
        new OnnxClipEncoder(text, vision, tokenizer, preprocess, dim, t, v, options, threads, model);
      const encoder = make(t.dim ?? v.dim ?? 0);
      // Dims not in the graph's metadata: learn them from one tiny run of each tower.
      const td = t.dim ?? (await encoder.runText([tokenizer.encode("")])).dim;
      const vd =
        v.dim ??
        (await encoder.runVision(new Float32Array(3 * preprocess.cropHeight * preprocess.cropWidth), 1)).dim;
      if (td !== vd) {
        throw new ModelLoadError(
          `${model.textModel} gives ${t.output} of size ${td} but ${model.visionModel} gives ${v.output} of size ${vd}`,
          { hint: "Both towers must come from the same CLIP model" },
        );
      }
      return encoder.dim !== td ? make(td) : encoder;
    } catch (error) {
      await text.release();
      await vision.release();
      throw error;
    }
  }

  /** Runs the text tower on rows of token ids (from `tokenizer.encode`), in the graph's batch size. */
  private async runText(rows: readonly (readonly number[])[]): Promise<Embeddings> {
    const step = this.textShape.fixedBatch;
    if (step !== undefined && rows.length !== step) {
      const parts: Embeddings[] = [];
      for (let s = 0; s < rows.length; s += step) {
        const chunk = rows.slice(s, s + step);
        // A last chunk shorter than the fixed batch is padded with copies of its first row.
        while (chunk.length < step) chunk.push(chunk[0] as readonly number[]);
        const e = await this.runText(chunk);
        parts.push(
          createEmbeddings(
            Math.min(step, rows.length - s),
            e.dim,
            e.data.subarray(0, Math.min(step, rows.length - s) * e.dim),
          ),
        );
      }
      return concatEmbeddings(parts, rows.length);
    }
    const fixedSeq = this.textShape.fixedSeq;
    const tb = this.tokenizer.padRows(rows, fixedSeq ? { padTo: fixedSeq } : {});
    const dims = [tb.batch, tb.sequenceLength];
    const ids =
      this.textShape.idType === "int32"
        ? new ort.Tensor(
            "int32",
            Int32Array.from(tb.ids, (v) => Number(v)),
            dims,
          )
        : new ort.Tensor("int64", tb.ids, dims);
    const feeds: Record<string, ort.Tensor> = { [this.textShape.input]: ids };
    if (this.text.inputNames.includes("attention_mask")) {
      feeds.attention_mask = new ort.Tensor("int64", tb.attentionMask, dims);
    }
    if (this.text.inputNames.includes("position_ids")) {
      const pos = new BigInt64Array(tb.batch * tb.sequenceLength);
      for (let i = 0; i < pos.length; i++) pos[i] = BigInt(i % tb.sequenceLength);
      feeds.position_ids = new ort.Tensor("int64", pos, dims);
    }
    const result = await this.text.run(feeds, [this.textShape.output]);
    return toEmbeddings(result[this.textShape.output], rows.length);
  }

  private async runVision(pixels: Float32Array, count: number): Promise<Embeddings> {
    const { cropHeight: h, cropWidth: w } = this.preprocess;
    const step = this.visionShape.fixedBatch;
    const size = 3 * h * w;
    if (step !== undefined && count !== step) {
      const parts: Embeddings[] = [];
      for (let s = 0; s < count; s += step) {
        const n = Math.min(step, count - s);
        let chunk = pixels.subarray(s * size, (s + n) * size);
        if (n < step) {
          const padded = new Float32Array(step * size);
          padded.set(chunk);
          chunk = padded;
        }
        const e = await this.runVision(chunk, step);
        parts.push(createEmbeddings(n, e.dim, e.data.subarray(0, n * e.dim)));
      }
      return concatEmbeddings(parts, count);
    }
    const result = await this.vision.run(
      { [this.visionShape.input]: new ort.Tensor("float32", pixels, [count, 3, h, w]) },
      [this.visionShape.output],
    );
    return toEmbeddings(result[this.visionShape.output], count);
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
    if (this.textShape.fixedSeq === undefined && !this.tokenizer.padToContext)
      todo.sort((a, b) => length(a) - length(b));
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

  /** Decodes images [start, start + count) into `pixels` (NCHW, normalised). */
  private async prepareBatch(
    images: readonly ImageSource[],
    start: number,
    count: number,
    pixels: Float32Array,
  ): Promise<Float32Array> {
    const { cropHeight: h, cropWidth: w } = this.preprocess;
    const size = 3 * h * w;
    await Promise.all(
      Array.from({ length: count }, (_, m) =>
        preprocessImage(images[start + m] as ImageSource, this.preprocess, pixels, m * size, start + m),
      ),
    );
    return pixels;
  }

  /**
   * Encodes images batch by batch; the next batch is decoded while the current one runs (sharp
   * decodes on libuv's threads while onnxruntime holds the main thread), into two pixel buffers
   * that take turns, so at most two batches of pixels are in memory and none is allocated per batch.
   */
  async embedImages(images: readonly ImageSource[], options: EmbedOptions = {}): Promise<Embeddings> {
    throwIfAborted(options.signal);
    const out = createEmbeddings(images.length, this.dim);
    const batch = this.maxImageBatch;
    const size = 3 * this.preprocess.cropHeight * this.preprocess.cropWidth;
    const sizeAt = (start: number) => Math.min(batch, images.length - start);
    // A full batch of the graph's fixed batch size is padded by runVision itself.
    const buffers = [0, 1].map(() => new Float32Array(Math.min(batch, images.length) * size));
    const view = (k: number, count: number) => (buffers[k % 2] as Float32Array).subarray(0, count * size);
    let next: Promise<Float32Array> | undefined =
      images.length > 0 ? this.prepareBatch(images, 0, sizeAt(0), view(0, sizeAt(0))) : undefined;
    for (let start = 0, k = 0; start < images.length; start += batch, k++) {
      const count = sizeAt(start);
      const pixels = await (next as Promise<Float32Array>);
      next = undefined;
      throwIfAborted(options.signal);
      const following = start + batch;
      if (following < images.length) {
        next = this.prepareBatch(images, following, sizeAt(following), view(k + 1, sizeAt(following)));
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

function concatEmbeddings(parts: readonly Embeddings[], count: number): Embeddings {
  const dim = parts[0]?.dim ?? 0;
  const out = createEmbeddings(count, dim);
  let offset = 0;
  for (const p of parts) {
    out.data.set(p.data, offset);
    offset += p.data.length;
  }
  return out;
}

function toEmbeddings(tensor: ort.Tensor | undefined, count: number): Embeddings {
  if (tensor?.type !== "float32" || tensor.dims.length !== 2 || tensor.dims[0] !== count) {
    throw new ModelLoadError(
      `The model returned ${tensor ? `${tensor.type} [${tensor.dims.join(", ")}]` : "nothing"}, expected float32 [${count}, D]`,
      { hint: EXPECTED_IO },
    );
  }
  const dim = tensor.dims[1] as number;
  return createEmbeddings(count, dim, new Float32Array(tensor.data as Float32Array));
}
