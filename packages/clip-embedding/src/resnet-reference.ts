/**
 * An independent float64 forward pass of the generated ModifiedResNet image tower (plain loops,
 * batch-norm applied separately, not folded), following openai/CLIP clip/model.py
 * (Bottleneck, AttentionPool2d, ModifiedResNet). Test-only: not exported from the package index.
 */
import type { ClipWeights } from "./clip-architecture.js";
import { bottlenecks, featureWidth, type ResNetClipArchitecture } from "./resnet-architecture.js";

interface Fmap {
  c: number;
  h: number;
  w: number;
  data: Float64Array; // CHW
}

function wt(weights: ClipWeights, name: string): Float32Array {
  const t = weights.get(name);
  if (!t) throw new Error(`missing ${name}`);
  return t.data;
}

function conv(x: Fmap, weights: ClipWeights, name: string, k: number, stride: number): Fmap {
  const W = wt(weights, name);
  const out = W.length / (x.c * k * k);
  const pad = (k - 1) / 2;
  const h = Math.floor((x.h + 2 * pad - k) / stride) + 1;
  const w = Math.floor((x.w + 2 * pad - k) / stride) + 1;
  const data = new Float64Array(out * h * w);
  for (let o = 0; o < out; o++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++) {
        let s = 0;
        for (let c = 0; c < x.c; c++)
          for (let ky = 0; ky < k; ky++) {
            const iy = y * stride + ky - pad;
            if (iy < 0 || iy >= x.h) continue;
            for (let kx = 0; kx < k; kx++) {
              const ix = xx * stride + kx - pad;
              if (ix < 0 || ix >= x.w) continue;
              s +=
                (W[((o * x.c + c) * k + ky) * k + kx] as number) *
                (x.data[(c * x.h + iy) * x.w + ix] as number);
            }
          }
        data[(o * h + y) * w + xx] = s;
      }
  return { c: out, h, w, data };
}

function batchNorm(x: Fmap, weights: ClipWeights, p: string, eps: number): Fmap {
  const g = wt(weights, `${p}.weight`);
  const b = wt(weights, `${p}.bias`);
  const m = wt(weights, `${p}.running_mean`);
  const v = wt(weights, `${p}.running_var`);
  const plane = x.h * x.w;
  const data = Float64Array.from(x.data, (val, i) => {
    const c = Math.floor(i / plane);
    return (
      ((val - (m[c] as number)) / Math.sqrt((v[c] as number) + eps)) * (g[c] as number) + (b[c] as number)
    );
  });
  return { ...x, data };
}

const relu = (x: Fmap): Fmap => ({ ...x, data: x.data.map((v) => Math.max(v, 0)) });

function avgPool(x: Fmap, s: number): Fmap {
  const h = Math.floor(x.h / s);
  const w = Math.floor(x.w / s);
  const data = new Float64Array(x.c * h * w);
  for (let c = 0; c < x.c; c++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++) {
        let sum = 0;
        for (let dy = 0; dy < s; dy++)
          for (let dx = 0; dx < s; dx++) sum += x.data[(c * x.h + y * s + dy) * x.w + xx * s + dx] as number;
        data[(c * h + y) * w + xx] = sum / (s * s);
      }
  return { c: x.c, h, w, data };
}

function linear(x: Float64Array, W: Float32Array, b: Float32Array, out: number): Float64Array {
  const y = Float64Array.from(b);
  for (let i = 0; i < x.length; i++)
    for (let o = 0; o < out; o++) y[o] = (y[o] as number) + (x[i] as number) * (W[i * out + o] as number);
  return y;
}

/** Image embedding (L2-normalised) of one CHW float image of the model's size. */
export function referenceResnetImageEmbedding(
  arch: ResNetClipArchitecture,
  weights: ClipWeights,
  chw: Float32Array,
): Float64Array {
  const eps = arch.batchNormEps;
  const S = arch.vision.imageSize;
  let x: Fmap = { c: 3, h: S, w: S, data: Float64Array.from(chw) };
  const cbr = (input: Fmap, c: string, bn: string, k: number, s: number) =>
    relu(batchNorm(conv(input, weights, `${c}.weight`, k, s), weights, bn, eps));
  x = cbr(x, "visual.conv1", "visual.bn1", 3, 2);
  x = cbr(x, "visual.conv2", "visual.bn2", 3, 1);
  x = cbr(x, "visual.conv3", "visual.bn3", 3, 1);
  x = avgPool(x, 2);
  for (const b of bottlenecks(arch)) {
    const p = b.prefix;
    let out = cbr(x, `${p}.conv1`, `${p}.bn1`, 1, 1);
    out = cbr(out, `${p}.conv2`, `${p}.bn2`, 3, 1);
    if (b.stride > 1) out = avgPool(out, b.stride);
    out = batchNorm(conv(out, weights, `${p}.conv3.weight`, 1, 1), weights, `${p}.bn3`, eps);
    let identity = x;
    if (b.downsample) {
      const pooled = b.stride > 1 ? avgPool(x, b.stride) : x;
      identity = batchNorm(
        conv(pooled, weights, `${p}.downsample.0.weight`, 1, 1),
        weights,
        `${p}.downsample.1`,
        eps,
      );
    }
    x = relu({ ...out, data: out.data.map((v, i) => v + (identity.data[i] as number)) });
  }
  // AttentionPool2d: (HW)NC tokens, prepend their mean, add positions, query with the first.
  const f = featureWidth(arch);
  const n = x.h * x.w;
  const pos = wt(weights, "visual.attnpool.positional_embedding");
  const tokens: Float64Array[] = [];
  const mean = new Float64Array(f);
  for (let t = 0; t < n; t++) {
    const v = Float64Array.from({ length: f }, (_, c) => x.data[c * n + t] as number);
    v.forEach((val, c) => {
      mean[c] = (mean[c] as number) + val / n;
    });
    tokens.push(v);
  }
  tokens.unshift(mean);
  tokens.forEach((v, t) => {
    for (let c = 0; c < f; c++) v[c] = (v[c] as number) + (pos[t * f + c] as number);
  });
  const proj = (v: Float64Array, m: string) =>
    linear(v, wt(weights, `visual.attnpool.${m}.weight`), wt(weights, `visual.attnpool.${m}.bias`), f);
  const q = proj(tokens[0] as Float64Array, "q_proj");
  const ks = tokens.map((t) => proj(t, "k_proj"));
  const vs = tokens.map((t) => proj(t, "v_proj"));
  const heads = arch.vision.heads;
  const hd = f / heads;
  const ctx = new Float64Array(f);
  for (let h = 0; h < heads; h++) {
    const scores = ks.map((k) => {
      let s = 0;
      for (let d = 0; d < hd; d++) s += (q[h * hd + d] as number) * (k[h * hd + d] as number);
      return s / Math.sqrt(hd);
    });
    const max = Math.max(...scores);
    const e = scores.map((s) => Math.exp(s - max));
    const sum = e.reduce((a, b) => a + b, 0);
    vs.forEach((v, j) => {
      for (let d = 0; d < hd; d++)
        ctx[h * hd + d] = (ctx[h * hd + d] as number) + ((e[j] as number) / sum) * (v[h * hd + d] as number);
    });
  }
  const y = linear(
    ctx,
    wt(weights, "visual.attnpool.c_proj.weight"),
    wt(weights, "visual.attnpool.c_proj.bias"),
    arch.projectionDim,
  );
  const norm = Math.sqrt(y.reduce((s, v) => s + v * v, 0));
  return y.map((v) => v / norm);
}
