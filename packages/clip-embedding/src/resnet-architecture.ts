import { createRng } from "@vlmopt/core";
import type { ClipArchitecture, ClipWeights } from "./clip-architecture.js";

/**
 * The shape of a CLIP model with OpenAI's ModifiedResNet image tower (RN50, RN101, ...), as in
 * openai/CLIP clip/model.py (https://github.com/openai/CLIP/blob/main/clip/model.py):
 * a 3-conv stem (3×3 convs, the first with stride 2, then a 2×2 average pool), bottleneck blocks
 * whose stride-2 blocks average-pool after the 3×3 conv and in the shortcut (anti-aliasing), and
 * an attention pool (mean token + positional embedding, one query) instead of global pooling.
 * `build_model` there gives heads = width·32/64 and the feature width = width·32.
 */
export interface ResNetClipArchitecture {
  text: ClipArchitecture["text"];
  vision: { imageSize: number; layers: [number, number, number, number]; width: number; heads: number };
  /** embed_dim: the attention pool's output size. */
  projectionDim: number;
  layerNormEps: number;
  batchNormEps: number;
}

const CLIP_TEXT = { vocabSize: 49408, width: 512, heads: 8, layers: 12, mlp: 2048, maxPositions: 77 };

/** CLIP RN50 (open_clip RN50.json: embed_dim 1024, layers [3, 4, 6, 3], width 64). */
export const RN50_ARCHITECTURE: ResNetClipArchitecture = {
  text: CLIP_TEXT,
  vision: { imageSize: 224, layers: [3, 4, 6, 3], width: 64, heads: 32 },
  projectionDim: 1024,
  layerNormEps: 1e-5,
  batchNormEps: 1e-5,
};

/** CLIP RN101 (embed_dim 512, layers [3, 4, 23, 3], width 64). */
export const RN101_ARCHITECTURE: ResNetClipArchitecture = {
  ...RN50_ARCHITECTURE,
  vision: { imageSize: 224, layers: [3, 4, 23, 3], width: 64, heads: 32 },
  projectionDim: 512,
};

/** A tiny ModifiedResNet CLIP for tests (64×64 input, width 8, feature width 256). */
export const TINY_RN_ARCHITECTURE: ResNetClipArchitecture = {
  text: { vocabSize: 49408, width: 16, heads: 2, layers: 2, mlp: 32, maxPositions: 77 },
  vision: { imageSize: 64, layers: [1, 2, 1, 1], width: 8, heads: 4 },
  projectionDim: 12,
  layerNormEps: 1e-5,
  batchNormEps: 1e-5,
};

/** The ViT-style fields the text tower's graph and reference read. */
export function textPart(arch: ResNetClipArchitecture): ClipArchitecture {
  return {
    text: arch.text,
    vision: { imageSize: 32, patchSize: 32, width: 1, heads: 1, layers: 0, mlp: 1 },
    projectionDim: arch.projectionDim,
    layerNormEps: arch.layerNormEps,
  };
}

export interface BottleneckSpec {
  prefix: string;
  inplanes: number;
  planes: number;
  stride: number;
  downsample: boolean;
}

/** The bottleneck blocks in order (openai/CLIP ModifiedResNet._make_layer). */
export function bottlenecks(arch: ResNetClipArchitecture): BottleneckSpec[] {
  const out: BottleneckSpec[] = [];
  let inplanes = arch.vision.width;
  arch.vision.layers.forEach((count, li) => {
    const planes = arch.vision.width * 2 ** li;
    for (let b = 0; b < count; b++) {
      const stride = b === 0 && li > 0 ? 2 : 1;
      out.push({
        prefix: `visual.layer${li + 1}.${b}`,
        inplanes,
        planes,
        stride,
        downsample: stride > 1 || inplanes !== planes * 4,
      });
      inplanes = planes * 4;
    }
  });
  return out;
}

/** The attention pool's feature width (width · 32). */
export function featureWidth(arch: ResNetClipArchitecture): number {
  return arch.vision.width * 32;
}

/** Names and shapes of every image-tower weight, in the order they are drawn. */
export function resnetWeightShapes(arch: ResNetClipArchitecture): [string, number[]][] {
  const out: [string, number[]][] = [];
  const bn = (p: string, c: number) => {
    for (const n of ["weight", "bias", "running_mean", "running_var"]) out.push([`${p}.${n}`, [c]]);
  };
  const w = arch.vision.width;
  out.push(["visual.conv1.weight", [w / 2, 3, 3, 3]]);
  bn("visual.bn1", w / 2);
  out.push(["visual.conv2.weight", [w / 2, w / 2, 3, 3]]);
  bn("visual.bn2", w / 2);
  out.push(["visual.conv3.weight", [w, w / 2, 3, 3]]);
  bn("visual.bn3", w);
  for (const b of bottlenecks(arch)) {
    out.push([`${b.prefix}.conv1.weight`, [b.planes, b.inplanes, 1, 1]]);
    bn(`${b.prefix}.bn1`, b.planes);
    out.push([`${b.prefix}.conv2.weight`, [b.planes, b.planes, 3, 3]]);
    bn(`${b.prefix}.bn2`, b.planes);
    out.push([`${b.prefix}.conv3.weight`, [b.planes * 4, b.planes, 1, 1]]);
    bn(`${b.prefix}.bn3`, b.planes * 4);
    if (b.downsample) {
      out.push([`${b.prefix}.downsample.0.weight`, [b.planes * 4, b.inplanes, 1, 1]]);
      bn(`${b.prefix}.downsample.1`, b.planes * 4);
    }
  }
  const f = featureWidth(arch);
  const grid = arch.vision.imageSize / 32;
  out.push(["visual.attnpool.positional_embedding", [grid * grid + 1, f]]);
  for (const m of ["q", "k", "v"])
    out.push([`visual.attnpool.${m}_proj.weight`, [f, f]], [`visual.attnpool.${m}_proj.bias`, [f]]);
  out.push(["visual.attnpool.c_proj.weight", [f, arch.projectionDim]]);
  out.push(["visual.attnpool.c_proj.bias", [arch.projectionDim]]);
  return out;
}

/**
 * Deterministic random image-tower weights. Convs are He-uniform (variance 2/fan-in) so
 * activations keep their scale through the ReLUs; batch-norm statistics are random but sane
 * (mean ±0.1, variance 0.5–1.5; the residual branch's last scale ~0.3). Linear weights [in, out].
 */
export function randomResnetWeights(arch: ResNetClipArchitecture, seed: number): ClipWeights {
  const rng = createRng(seed);
  const weights: ClipWeights = new Map();
  for (const [name, dims] of resnetWeightShapes(arch)) {
    const size = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    const u = () => rng.next() * 2 - 1;
    if (dims.length === 4) {
      const fan = (dims[1] as number) * (dims[2] as number) * (dims[3] as number);
      const a = Math.sqrt(6 / fan);
      for (let i = 0; i < size; i++) data[i] = u() * a;
    } else if (name.endsWith("running_var")) {
      for (let i = 0; i < size; i++) data[i] = 1 + 0.5 * u();
    } else if (name.endsWith("running_mean") || name.endsWith(".bias")) {
      for (let i = 0; i < size; i++) data[i] = 0.1 * u();
    } else if (/bn\d\.weight$|downsample\.1\.weight$/.test(name)) {
      const base = /bn3\.weight$|downsample\.1\.weight$/.test(name) ? 0.3 : 1;
      for (let i = 0; i < size; i++) data[i] = base * (1 + 0.1 * u());
    } else if (name.endsWith("positional_embedding")) {
      const a = 1 / Math.sqrt(dims[1] as number);
      for (let i = 0; i < size; i++) data[i] = u() * a;
    } else {
      // q/k 16× larger than 1/√fan-in, so the attention pool's softmax is far from uniform (a test
      // of the pooling can fail).
      const a = (/attnpool\.[qk]_proj\.weight$/.test(name) ? 16 : 1) / Math.sqrt(dims[0] as number);
      for (let i = 0; i < size; i++) data[i] = u() * a;
    }
    weights.set(name, { dims, data });
  }
  return weights;
}
