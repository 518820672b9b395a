import type { ClipArchitecture, ClipWeights, Tensor } from "./clip-architecture.js";
import { FP32_EMITTER, type LayerEmitter } from "./layer-emitter.js";
import { OnnxGraphBuilder, OnnxType } from "./onnx-builder.js";

function tensor(weights: ClipWeights, name: string): Tensor {
  const t = weights.get(name) as Tensor | undefined;
  if (!t) throw new Error(`missing weight ${name}`);
  return t;
}

function weight(g: OnnxGraphBuilder, weights: ClipWeights, name: string): string {
  const t = weights.get(name) as Tensor | undefined;
  if (!t) throw new Error(`missing weight ${name}`);
  return g.init(name, t.dims, t.data);
}

interface LayerSpec {
  width: number;
  heads: number;
  prefix: string;
  eps: number;
}

/** One pre-LN transformer block (CLIP): x + attn(ln1(x)), then x + mlp(ln2(x)) with quick_gelu. */
function encoderLayer(
  g: OnnxGraphBuilder,
  w: ClipWeights,
  x: string,
  spec: LayerSpec,
  mask: string | null,
  emit: LayerEmitter,
): string {
  const { prefix: p, width, heads, eps } = spec;
  const headDim = width / heads;
  const ln = (input: string, n: string) =>
    g.op("LayerNormalization", [input, weight(g, w, `${p}.${n}.weight`), weight(g, w, `${p}.${n}.bias`)], {
      axis: -1,
      epsilon: { float: eps },
    });
  const linear = (input: string, n: string) =>
    emit.linear(g, input, `${p}.${n}`, tensor(w, `${p}.${n}.weight`), tensor(w, `${p}.${n}.bias`));
  const splitHeads = (t: string) =>
    g.op("Transpose", [g.op("Reshape", [t, g.int64s([0, 0, heads, headDim])])], { perm: [0, 2, 1, 3] });

  const h = ln(x, "ln1");
  const q = splitHeads(g.op("Mul", [linear(h, "q"), g.scalarFloat(headDim ** -0.5)]));
  const k = g.op("Transpose", [g.op("Reshape", [linear(h, "k"), g.int64s([0, 0, heads, headDim])])], {
    perm: [0, 2, 3, 1],
  });
  const v = splitHeads(linear(h, "v"));
  let scores = g.op("MatMul", [q, k]);
  if (mask) scores = g.op("Add", [scores, mask]);
  const probs = g.op("Softmax", [scores], { axis: -1 });
  const ctx = g.op("Transpose", [g.op("MatMul", [probs, v])], { perm: [0, 2, 1, 3] });
  const merged = g.op("Reshape", [ctx, g.int64s([0, 0, width])]);
  const x1 = g.op("Add", [x, linear(merged, "o")]);
  const m = linear(ln(x1, "ln2"), "fc1");
  const act = g.op("Mul", [m, g.op("Sigmoid", [g.op("Mul", [m, g.scalarFloat(1.702)])])]);
  return g.op("Add", [x1, linear(act, "fc2")]);
}

const NEG = -1e9;

/**
 * Input/output names and shapes of an exported tower. The defaults are the HF/Xenova export;
 * `IMMICH_TEXT_IO` / `IMMICH_VISION_IO` are immich-app's OpenCLIP export (see model-layouts.ts).
 */
export interface TowerIo {
  input: string;
  /** Text towers: the id input's type (the HF export takes int64, immich's int32). */
  idType?: "int64" | "int32";
  /** Text towers: whether an attention_mask input exists. */
  attentionMask?: boolean;
  output: string;
  /** L2-normalise the output inside the graph (immich's `encode_*(normalize=True)`). */
  normalize?: boolean;
  /** A fixed batch size (immich exports without dynamic axes: batch 1). */
  fixedBatch?: number;
  /** Text towers: a fixed sequence length. */
  fixedSeq?: number;
  /** Text towers: pool at the largest id (CLIP's end token) or at the last position (SigLIP). */
  pooling?: "argmax" | "last";
  /** Also output last_hidden_state (as the HF export does). */
  hiddenState?: boolean;
  /** Text towers: causal attention (CLIP, default) or full attention (SigLIP). */
  causal?: boolean;
}

export const HF_TEXT_IO: TowerIo = {
  input: "input_ids",
  attentionMask: true,
  output: "text_embeds",
  hiddenState: true,
};
export const HF_VISION_IO: TowerIo = { input: "pixel_values", output: "image_embeds", hiddenState: true };
export const IMMICH_TEXT_IO: TowerIo = {
  input: "text",
  idType: "int32",
  output: "embedding",
  normalize: true,
  fixedBatch: 1,
  fixedSeq: 77,
};
export const IMMICH_VISION_IO: TowerIo = {
  input: "image",
  output: "embedding",
  normalize: true,
  fixedBatch: 1,
};
/** Xenova's SigLIP export: input_ids only (padded to the context length), pooler_output. */
export const SIGLIP_TEXT_IO: TowerIo = {
  input: "input_ids",
  output: "pooler_output",
  pooling: "last",
  causal: false,
  fixedSeq: 64,
};
export const SIGLIP_VISION_IO: TowerIo = { input: "pixel_values", output: "pooler_output" };

/** Adds the output node: optional in-graph L2 normalisation, then the named output. */
export function towerOutput(g: OnnxGraphBuilder, x: string, io: TowerIo, dim: number): void {
  const batch = io.fixedBatch ?? "batch_size";
  if (io.normalize) {
    const norm = g.op("ReduceL2", [x], { axes: [-1], keepdims: 1 }); // opset 17: axes is an attribute
    g.op("Div", [x, norm], {}, io.output);
  } else {
    g.op("Identity", [x], {}, io.output);
  }
  g.output(io.output, OnnxType.FLOAT, [batch, dim]);
}

/**
 * The CLIP text tower with projection, by default with the inputs and outputs of the HF/Xenova
 * export: `input_ids` and `attention_mask` (int64 [batch, sequence]) → `text_embeds` [batch, proj]
 * and `last_hidden_state`. Pooling takes the hidden state at the first position of the largest id
 * (the end token 49407), as HF's CLIPTextTransformer does (or the last position, `io.pooling`).
 */
export function buildTextGraph(
  arch: ClipArchitecture,
  w: ClipWeights,
  io: TowerIo = HF_TEXT_IO,
  emit: LayerEmitter = FP32_EMITTER,
): OnnxGraphBuilder {
  const g = new OnnxGraphBuilder("clip_text_model");
  const { width, heads, layers, maxPositions } = arch.text;
  const batchDim = io.fixedBatch ?? "batch_size";
  const seqDim = io.fixedSeq ?? "sequence_length";
  const rawIds = g.input(io.input, io.idType === "int32" ? OnnxType.INT32 : OnnxType.INT64, [
    batchDim,
    seqDim,
  ]);
  const ids = io.idType === "int32" ? g.op("Cast", [rawIds], { to: OnnxType.INT64 }) : rawIds;
  const seq = g.op("Slice", [g.op("Shape", [ids]), g.int64s([1]), g.int64s([2])]);
  const tok = g.op("Gather", [weight(g, w, "text.token_embedding"), ids], { axis: 0 });
  const pos = g.op("Slice", [weight(g, w, "text.position_embedding"), g.int64s([0]), seq, g.int64s([0])]);
  let x = g.op("Add", [tok, pos]);
  // Causal mask [S, S] plus padding mask [B, 1, 1, S].
  const causalData = new Float32Array(maxPositions * maxPositions);
  for (let i = 0; i < maxPositions; i++)
    for (let j = i + 1; j < maxPositions; j++) causalData[i * maxPositions + j] = NEG;
  const causalFull =
    io.causal === false ? "" : g.init("text.causal_mask", [maxPositions, maxPositions], causalData);
  let mask: string | null =
    io.causal === false
      ? null
      : g.op("Slice", [causalFull, g.int64s([0, 0]), g.op("Concat", [seq, seq], { axis: 0 })]);
  if (io.attentionMask) {
    const attn = g.input("attention_mask", OnnxType.INT64, [batchDim, seqDim]);
    const maskF = g.op("Cast", [attn], { to: OnnxType.FLOAT });
    const pad = g.op("Mul", [g.op("Sub", [g.scalarFloat(1), maskF]), g.scalarFloat(NEG)]);
    const padMask = g.op("Unsqueeze", [pad, g.int64s([1, 2])]);
    mask = mask ? g.op("Add", [mask, padMask]) : padMask;
  }
  for (let l = 0; l < layers; l++)
    x = encoderLayer(g, w, x, { width, heads, prefix: `text.layer${l}`, eps: arch.layerNormEps }, mask, emit);
  const last = g.op(
    "LayerNormalization",
    [x, weight(g, w, "text.final_ln.weight"), weight(g, w, "text.final_ln.bias")],
    { axis: -1, epsilon: { float: arch.layerNormEps } },
    io.hiddenState ? "last_hidden_state" : undefined,
  );
  let pooled: string;
  if (io.pooling === "last") {
    pooled = g.op("Squeeze", [
      g.op("Slice", [last, g.int64s([-1]), g.int64s([2 ** 62]), g.int64s([1])]),
      g.int64s([1]),
    ]);
  } else {
    const eos = g.op("Unsqueeze", [g.op("ArgMax", [ids], { axis: -1, keepdims: 0 }), g.int64s([1])]);
    pooled = g.op("GatherND", [last, eos], { batch_dims: 1 });
  }
  towerOutput(
    g,
    emit.linear(g, pooled, "text.projection", tensor(w, "text.projection"), undefined),
    io,
    arch.projectionDim,
  );
  if (io.hiddenState) g.output("last_hidden_state", OnnxType.FLOAT, [batchDim, seqDim, width]);
  return g;
}

/**
 * The CLIP vision tower with projection: `pixel_values` float32 [batch, 3, H, W] →
 * `image_embeds` [batch, proj] and `last_hidden_state`.
 */
export function buildVisionGraph(
  arch: ClipArchitecture,
  w: ClipWeights,
  io: TowerIo = HF_VISION_IO,
  emit: LayerEmitter = FP32_EMITTER,
): OnnxGraphBuilder {
  const g = new OnnxGraphBuilder("clip_vision_model");
  const { width, heads, layers, imageSize, patchSize } = arch.vision;
  const px = g.input(io.input, OnnxType.FLOAT, [io.fixedBatch ?? "batch_size", 3, imageSize, imageSize]);
  const conv = emit.conv(g, px, "vision.patch_embedding", tensor(w, "vision.patch_embedding"), undefined, {
    kernel_shape: [patchSize, patchSize],
    strides: [patchSize, patchSize],
  });
  const patches = g.op("Transpose", [g.op("Reshape", [conv, g.int64s([0, 0, -1])])], { perm: [0, 2, 1] });
  const batch = g.op("Slice", [g.op("Shape", [px]), g.int64s([0]), g.int64s([1])]);
  const clsShape = g.op("Concat", [batch, g.int64s([1, width])], { axis: 0 });
  const cls = g.op("Expand", [
    g.op("Reshape", [weight(g, w, "vision.class_embedding"), g.int64s([1, 1, width])]),
    clsShape,
  ]);
  const tokens = g.op("Concat", [cls, patches], { axis: 1 });
  let x = g.op("Add", [tokens, weight(g, w, "vision.position_embedding")]);
  x = g.op(
    "LayerNormalization",
    [x, weight(g, w, "vision.pre_ln.weight"), weight(g, w, "vision.pre_ln.bias")],
    {
      axis: -1,
      epsilon: { float: arch.layerNormEps },
    },
  );
  for (let l = 0; l < layers; l++)
    x = encoderLayer(
      g,
      w,
      x,
      { width, heads, prefix: `vision.layer${l}`, eps: arch.layerNormEps },
      null,
      emit,
    );
  if (io.hiddenState) g.op("Identity", [x], {}, "last_hidden_state");
  const first = g.op("Gather", [x, g.init("vision.cls_index", [], BigInt64Array.of(0n))], { axis: 1 });
  const pooled = g.op(
    "LayerNormalization",
    [first, weight(g, w, "vision.final_ln.weight"), weight(g, w, "vision.final_ln.bias")],
    { axis: -1, epsilon: { float: arch.layerNormEps } },
  );
  towerOutput(
    g,
    emit.linear(g, pooled, "vision.projection", tensor(w, "vision.projection"), undefined),
    io,
    arch.projectionDim,
  );
  if (io.hiddenState)
    g.output("last_hidden_state", OnnxType.FLOAT, [
      io.fixedBatch ?? "batch_size",
      (imageSize / patchSize) ** 2 + 1,
      width,
    ]);
  return g;
}
