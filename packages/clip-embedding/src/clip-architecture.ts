import { createRng } from "@vlmopt/core";

/** The shape of a CLIP ViT model (HF CLIPConfig, reduced to what the graphs need). */
export interface ClipArchitecture {
  text: {
    vocabSize: number;
    width: number;
    heads: number;
    layers: number;
    mlp: number;
    maxPositions: number;
  };
  vision: { imageSize: number; patchSize: number; width: number; heads: number; layers: number; mlp: number };
  projectionDim: number;
  layerNormEps: number;
}

/** A small CLIP-shaped model for tests: real vocabulary size, tiny widths. */
export const TINY_CLIP_ARCHITECTURE: ClipArchitecture = {
  text: { vocabSize: 49408, width: 16, heads: 2, layers: 2, mlp: 32, maxPositions: 77 },
  vision: { imageSize: 224, patchSize: 32, width: 16, heads: 2, layers: 2, mlp: 32 },
  projectionDim: 12,
  layerNormEps: 1e-5,
};

/** OpenAI CLIP ViT-B/32 (openai/clip-vit-base-patch32). */
export const VIT_B32_ARCHITECTURE: ClipArchitecture = {
  text: { vocabSize: 49408, width: 512, heads: 8, layers: 12, mlp: 2048, maxPositions: 77 },
  vision: { imageSize: 224, patchSize: 32, width: 768, heads: 12, layers: 12, mlp: 3072 },
  projectionDim: 512,
  layerNormEps: 1e-5,
};

export interface Tensor {
  readonly dims: number[];
  readonly data: Float32Array;
}

export type ClipWeights = Map<string, Tensor>;

/** Names and shapes of every weight, in a fixed order (the order weights are drawn in). */
export function weightShapes(tower: "text" | "vision", arch: ClipArchitecture): [string, number[]][] {
  const out: [string, number[]][] = [];
  const t = tower === "text" ? arch.text : arch.vision;
  const w = t.width;
  if (tower === "text") {
    out.push(["text.token_embedding", [arch.text.vocabSize, w]]);
    out.push(["text.position_embedding", [arch.text.maxPositions, w]]);
  } else {
    const v = arch.vision;
    const patches = (v.imageSize / v.patchSize) ** 2;
    out.push(["vision.patch_embedding", [w, 3, v.patchSize, v.patchSize]]);
    out.push(["vision.class_embedding", [w]]);
    out.push(["vision.position_embedding", [patches + 1, w]]);
    out.push(["vision.pre_ln.weight", [w]], ["vision.pre_ln.bias", [w]]);
  }
  for (let l = 0; l < t.layers; l++) {
    const p = `${tower}.layer${l}`;
    out.push([`${p}.ln1.weight`, [w]], [`${p}.ln1.bias`, [w]]);
    for (const m of ["q", "k", "v", "o"]) out.push([`${p}.${m}.weight`, [w, w]], [`${p}.${m}.bias`, [w]]);
    out.push([`${p}.ln2.weight`, [w]], [`${p}.ln2.bias`, [w]]);
    out.push([`${p}.fc1.weight`, [w, t.mlp]], [`${p}.fc1.bias`, [t.mlp]]);
    out.push([`${p}.fc2.weight`, [t.mlp, w]], [`${p}.fc2.bias`, [w]]);
  }
  out.push([`${tower}.final_ln.weight`, [w]], [`${tower}.final_ln.bias`, [w]]);
  out.push([`${tower}.projection`, [w, arch.projectionDim]]);
  return out;
}

/**
 * Deterministic random weights (linear weights stored [in, out], so y = x·W + b). LayerNorm
 * scales are near 1 and biases small, so activations stay in a sane range.
 */
export function randomClipWeights(
  tower: "text" | "vision",
  arch: ClipArchitecture,
  seed: number,
): ClipWeights {
  const rng = createRng(seed);
  const weights: ClipWeights = new Map();
  for (const [name, dims] of weightShapes(tower, arch)) {
    const size = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    const isLnWeight = /ln\d?\.weight$|_ln\.weight$/.test(name);
    const isBias = name.endsWith(".bias");
    const fanIn = dims.length === 2 && !name.includes("embedding") ? (dims[0] as number) : 0;
    const convFanIn = dims.length === 4 ? (dims[1] as number) * (dims[2] as number) * (dims[3] as number) : 0;
    const fan = fanIn || convFanIn;
    const scale = isLnWeight ? 0.1 : isBias ? 0.02 : fan > 0 ? 1 / Math.sqrt(fan) : 0.5;
    for (let i = 0; i < size; i++) data[i] = (rng.next() * 2 - 1) * scale + (isLnWeight ? 1 : 0);
    weights.set(name, { dims, data });
  }
  return weights;
}
