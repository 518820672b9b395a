/**
 * An independent plain-TypeScript forward pass of the generated CLIP models (float64 loops, no
 * onnxruntime), used by tests to check the ONNX graphs and the encoder end to end.
 * Test-only: not exported from the package index.
 */
import type { ClipArchitecture, ClipWeights } from "./clip-architecture.js";

type Mat = Float64Array[]; // rows

function w(weights: ClipWeights, name: string): Float32Array {
  const t = weights.get(name);
  if (!t) throw new Error(`missing ${name}`);
  return t.data;
}

function layerNorm(x: Float64Array, g: Float32Array, b: Float32Array, eps: number): Float64Array {
  const n = x.length;
  let mean = 0;
  for (const v of x) mean += v;
  mean /= n;
  let variance = 0;
  for (const v of x) variance += (v - mean) ** 2;
  variance /= n;
  const inv = 1 / Math.sqrt(variance + eps);
  return Float64Array.from(x, (v, i) => (v - mean) * inv * (g[i] as number) + (b[i] as number));
}

/** y = x·W + b with W stored [in, out]. */
function linear(x: Float64Array, W: Float32Array, b: Float32Array | undefined, out: number): Float64Array {
  const y = new Float64Array(out);
  for (let o = 0; o < out; o++) y[o] = b ? (b[o] as number) : 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    for (let o = 0; o < out; o++) y[o] = (y[o] as number) + xi * (W[i * out + o] as number);
  }
  return y;
}

function block(
  xs: Mat,
  weights: ClipWeights,
  p: string,
  width: number,
  heads: number,
  mlp: number,
  eps: number,
  allowed: (q: number, k: number) => boolean,
): Mat {
  const hd = width / heads;
  const h = xs.map((x) => layerNorm(x, w(weights, `${p}.ln1.weight`), w(weights, `${p}.ln1.bias`), eps));
  const q = h.map((x) => linear(x, w(weights, `${p}.q.weight`), w(weights, `${p}.q.bias`), width));
  const k = h.map((x) => linear(x, w(weights, `${p}.k.weight`), w(weights, `${p}.k.bias`), width));
  const v = h.map((x) => linear(x, w(weights, `${p}.v.weight`), w(weights, `${p}.v.bias`), width));
  const ctx = xs.map(() => new Float64Array(width));
  for (let head = 0; head < heads; head++) {
    for (let i = 0; i < xs.length; i++) {
      const scores: number[] = [];
      for (let j = 0; j < xs.length; j++) {
        if (!allowed(i, j)) {
          scores.push(Number.NEGATIVE_INFINITY);
          continue;
        }
        let s = 0;
        for (let d = 0; d < hd; d++)
          s +=
            ((q[i] as Float64Array)[head * hd + d] as number) *
            ((k[j] as Float64Array)[head * hd + d] as number);
        scores.push(s / Math.sqrt(hd));
      }
      const max = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - max));
      const sum = e.reduce((a, b) => a + b, 0);
      for (let j = 0; j < xs.length; j++) {
        const pj = (e[j] as number) / sum;
        if (pj === 0) continue;
        for (let d = 0; d < hd; d++) {
          const c = ctx[i] as Float64Array;
          c[head * hd + d] =
            (c[head * hd + d] as number) + pj * ((v[j] as Float64Array)[head * hd + d] as number);
        }
      }
    }
  }
  const x1 = xs.map((x, i) => {
    const o = linear(ctx[i] as Float64Array, w(weights, `${p}.o.weight`), w(weights, `${p}.o.bias`), width);
    return Float64Array.from(x, (val, j) => val + (o[j] as number));
  });
  return x1.map((x) => {
    const hh = layerNorm(x, w(weights, `${p}.ln2.weight`), w(weights, `${p}.ln2.bias`), eps);
    const m = linear(hh, w(weights, `${p}.fc1.weight`), w(weights, `${p}.fc1.bias`), mlp).map(
      (z) => z / (1 + Math.exp(-1.702 * z)),
    );
    const o = linear(m, w(weights, `${p}.fc2.weight`), w(weights, `${p}.fc2.bias`), width);
    return Float64Array.from(x, (val, j) => val + (o[j] as number));
  });
}

function l2(v: Float64Array): Float64Array {
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return v.map((x) => x / n);
}

/** Text embedding (L2-normalised) of one token-id row (with start/end tokens, no padding). */
export function referenceTextEmbedding(
  arch: ClipArchitecture,
  weights: ClipWeights,
  ids: readonly number[],
  /** SigLIP-style: full attention over the (padded) row, read out at the last position. */
  options: { causal?: boolean; pooling?: "argmax" | "last" } = {},
): Float64Array {
  const { width, heads, layers, mlp } = arch.text;
  const tok = w(weights, "text.token_embedding");
  const pos = w(weights, "text.position_embedding");
  let xs: Mat = ids.map((id, t) =>
    Float64Array.from(
      { length: width },
      (_, d) => (tok[id * width + d] as number) + (pos[t * width + d] as number),
    ),
  );
  for (let l = 0; l < layers; l++)
    xs = block(xs, weights, `text.layer${l}`, width, heads, mlp, arch.layerNormEps, (qi, kj) =>
      options.causal === false ? true : kj <= qi,
    );
  let eos = 0;
  ids.forEach((id, t) => {
    if (id > (ids[eos] as number)) eos = t;
  });
  if (options.pooling === "last") eos = ids.length - 1;
  const pooled = layerNorm(
    xs[eos] as Float64Array,
    w(weights, "text.final_ln.weight"),
    w(weights, "text.final_ln.bias"),
    arch.layerNormEps,
  );
  return l2(linear(pooled, w(weights, "text.projection"), undefined, arch.projectionDim));
}

/** Image embedding (L2-normalised) of one CHW float image of the model's size. */
export function referenceImageEmbedding(
  arch: ClipArchitecture,
  weights: ClipWeights,
  chw: Float32Array,
): Float64Array {
  const { width, heads, layers, mlp, imageSize: S, patchSize: P } = arch.vision;
  const grid = S / P;
  const conv = w(weights, "vision.patch_embedding");
  const cls = w(weights, "vision.class_embedding");
  const pos = w(weights, "vision.position_embedding");
  let xs: Mat = [Float64Array.from(cls, (v, d) => v + (pos[d] as number))];
  for (let gy = 0; gy < grid; gy++)
    for (let gx = 0; gx < grid; gx++) {
      const t = 1 + gy * grid + gx;
      const e = new Float64Array(width);
      for (let o = 0; o < width; o++) {
        let s = 0;
        for (let c = 0; c < 3; c++)
          for (let ky = 0; ky < P; ky++)
            for (let kx = 0; kx < P; kx++)
              s +=
                (conv[((o * 3 + c) * P + ky) * P + kx] as number) *
                (chw[c * S * S + (gy * P + ky) * S + gx * P + kx] as number);
        e[o] = s + (pos[t * width + o] as number);
      }
      xs.push(e);
    }
  xs = xs.map((x) =>
    layerNorm(x, w(weights, "vision.pre_ln.weight"), w(weights, "vision.pre_ln.bias"), arch.layerNormEps),
  );
  for (let l = 0; l < layers; l++)
    xs = block(xs, weights, `vision.layer${l}`, width, heads, mlp, arch.layerNormEps, () => true);
  const pooled = layerNorm(
    xs[0] as Float64Array,
    w(weights, "vision.final_ln.weight"),
    w(weights, "vision.final_ln.bias"),
    arch.layerNormEps,
  );
  return l2(linear(pooled, w(weights, "vision.projection"), undefined, arch.projectionDim));
}
