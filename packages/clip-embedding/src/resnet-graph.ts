import type { ClipWeights, Tensor } from "./clip-architecture.js";
import { IMMICH_VISION_IO, type TowerIo, towerOutput } from "./clip-graph.js";
import { FP32_EMITTER, type LayerEmitter } from "./layer-emitter.js";
import { OnnxGraphBuilder, OnnxType } from "./onnx-builder.js";
import { bottlenecks, featureWidth, type ResNetClipArchitecture } from "./resnet-architecture.js";

function get(w: ClipWeights, name: string): Tensor {
  const t = w.get(name);
  if (!t) throw new Error(`missing weight ${name}`);
  return t;
}

/**
 * Folds an eval-mode BatchNorm into the conv before it (W·γ/√(σ²+ε), β − μ·γ/√(σ²+ε)), as
 * torch.onnx.export's constant folding does; the reference forward pass keeps them separate.
 */
export function foldConvBn(w: ClipWeights, conv: string, bn: string, eps: number): { w: Tensor; b: Tensor } {
  const cw = get(w, conv);
  const gamma = get(w, `${bn}.weight`).data;
  const beta = get(w, `${bn}.bias`).data;
  const mean = get(w, `${bn}.running_mean`).data;
  const variance = get(w, `${bn}.running_var`).data;
  const out = cw.dims[0] as number;
  const per = cw.data.length / out;
  const data = new Float32Array(cw.data.length);
  const bias = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    const s = (gamma[o] as number) / Math.sqrt((variance[o] as number) + eps);
    for (let i = 0; i < per; i++) data[o * per + i] = (cw.data[o * per + i] as number) * s;
    bias[o] = (beta[o] as number) - (mean[o] as number) * s;
  }
  return { w: { dims: cw.dims, data }, b: { dims: [out], data: bias } };
}

/**
 * CLIP's ModifiedResNet image tower with attention pooling as an ONNX graph, by default in
 * immich's OpenCLIP export I/O (`image` float32 [1, 3, H, W] → `embedding`, L2-normalised).
 */
export function buildResnetVisionGraph(
  arch: ResNetClipArchitecture,
  w: ClipWeights,
  io: TowerIo = IMMICH_VISION_IO,
  emit: LayerEmitter = FP32_EMITTER,
): OnnxGraphBuilder {
  const g = new OnnxGraphBuilder("clip_resnet_visual");
  const eps = arch.batchNormEps;
  const S = arch.vision.imageSize;
  let x = g.input(io.input, OnnxType.FLOAT, [io.fixedBatch ?? "batch_size", 3, S, S]);
  const convBn = (input: string, conv: string, bn: string, attrs: Record<string, number[]>) => {
    const f = foldConvBn(w, `${conv}.weight`, bn, eps);
    return emit.conv(g, input, conv, f.w, f.b, attrs);
  };
  const k3 = (stride: number) => ({ kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [stride, stride] });
  const k1 = { kernel_shape: [1, 1] };
  const pool = (input: string, s: number) =>
    g.op("AveragePool", [input], { kernel_shape: [s, s], strides: [s, s] });
  x = g.op("Relu", [convBn(x, "visual.conv1", "visual.bn1", k3(2))]);
  x = g.op("Relu", [convBn(x, "visual.conv2", "visual.bn2", k3(1))]);
  x = g.op("Relu", [convBn(x, "visual.conv3", "visual.bn3", k3(1))]);
  x = pool(x, 2);
  for (const b of bottlenecks(arch)) {
    const p = b.prefix;
    let out = g.op("Relu", [convBn(x, `${p}.conv1`, `${p}.bn1`, k1)]);
    out = g.op("Relu", [convBn(out, `${p}.conv2`, `${p}.bn2`, k3(1))]);
    if (b.stride > 1) out = pool(out, b.stride);
    out = convBn(out, `${p}.conv3`, `${p}.bn3`, k1);
    let identity = x;
    if (b.downsample) {
      const pooled = b.stride > 1 ? pool(x, b.stride) : x;
      identity = convBn(pooled, `${p}.downsample.0`, `${p}.downsample.1`, k1);
    }
    x = g.op("Relu", [g.op("Add", [out, identity])]);
  }
  // Attention pool: tokens = [mean of the grid, grid...] + positional embedding; one query.
  const f = featureWidth(arch);
  const heads = arch.vision.heads;
  const hd = f / heads;
  const tokens0 = g.op("Transpose", [g.op("Reshape", [x, g.int64s([0, f, -1])])], { perm: [0, 2, 1] });
  const mean = g.op("ReduceMean", [tokens0], { axes: [1], keepdims: 1 });
  const pos = get(w, "visual.attnpool.positional_embedding");
  const tokens = g.op("Add", [
    g.op("Concat", [mean, tokens0], { axis: 1 }),
    g.init("visual.attnpool.positional_embedding", pos.dims, pos.data),
  ]);
  const first = g.op("Slice", [tokens, g.int64s([0]), g.int64s([1]), g.int64s([1])]);
  const lin = (input: string, n: string) =>
    emit.linear(
      g,
      input,
      `visual.attnpool.${n}`,
      get(w, `visual.attnpool.${n}.weight`),
      get(w, `visual.attnpool.${n}.bias`),
    );
  const q = g.op("Mul", [lin(first, "q_proj"), g.scalarFloat(hd ** -0.5)]);
  const qh = g.op("Transpose", [g.op("Reshape", [q, g.int64s([0, 0, heads, hd])])], { perm: [0, 2, 1, 3] });
  const kh = g.op("Transpose", [g.op("Reshape", [lin(tokens, "k_proj"), g.int64s([0, 0, heads, hd])])], {
    perm: [0, 2, 3, 1],
  });
  const vh = g.op("Transpose", [g.op("Reshape", [lin(tokens, "v_proj"), g.int64s([0, 0, heads, hd])])], {
    perm: [0, 2, 1, 3],
  });
  const probs = g.op("Softmax", [g.op("MatMul", [qh, kh])], { axis: -1 });
  const ctx = g.op("Transpose", [g.op("MatMul", [probs, vh])], { perm: [0, 2, 1, 3] });
  const merged = g.op("Reshape", [ctx, g.int64s([0, f])]);
  towerOutput(g, lin(merged, "c_proj"), io, arch.projectionDim);
  return g;
}
