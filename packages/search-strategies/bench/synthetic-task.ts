import { createRng, type Dataset, type LabeledImage, sha256Hex } from "@vlmopt/core";
import { HashEncoder } from "@vlmopt/core/testing";

/**
 * A synthetic classification task in which the wording of a template matters non-uniformly.
 *
 * Images of class c are unit vectors near a hidden cluster centre u_c (Gaussian-like noise). The
 * text embedding of a filled template for class c is
 *   0.5·u_c + 0.7·u_{π(c)} + Σ over distinct words w of effect(w, c)
 * where π is a fixed derangement (the class name alone is confusable with another class), and each
 * word's effect is drawn from a hash of (task seed, word): about 20 % of words are "good"
 * (g_{w,c}·u_c with g drawn per class in [0, 1.2] — a word helps some classes much more than
 * others), 20 % are "bad" (they pull every class towards a wrong cluster) and the rest are
 * neutral (one small shared direction). So accuracy depends on which words a template combines,
 * no word is good for every class, and only feedback reveals which words help.
 */
export interface SyntheticTaskOptions {
  seed?: number;
  classes?: number;
  shots?: number;
  dim?: number;
  /** Noise scale of image vectors around their cluster centre. Default 0.9. */
  noise?: number;
}

export interface SyntheticTask {
  dataset: Dataset;
  encoder: HashEncoder;
  /** The type the task gave a word (for the docs and tests). */
  wordType(word: string): "good" | "bad" | "neutral";
}

const CLASS_NAMES = [
  "forest",
  "river",
  "highway",
  "pasture",
  "lake",
  "desert",
  "harbor",
  "meadow",
  "canyon",
  "glacier",
  "vineyard",
  "quarry",
];

function unit(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  return v.map((x) => x / n);
}

function gaussianVector(rng: ReturnType<typeof createRng>, dim: number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = rng.next() + rng.next() + rng.next() - 1.5;
  return v;
}

/** Lower-cased words of a text without punctuation. */
export function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9\s'-]/g, " ")
    .split(/\s+/)
    .filter(Boolean);
}

export function createSyntheticTask(options: SyntheticTaskOptions = {}): SyntheticTask {
  const seed = options.seed ?? 0;
  const C = Math.min(options.classes ?? 10, CLASS_NAMES.length);
  const dim = options.dim ?? 32;
  const shots = options.shots ?? 8;
  const noise = options.noise ?? 0.9;
  const rng = createRng(seed * 7919 + 17);
  const names = CLASS_NAMES.slice(0, C);
  const centres = names.map(() => unit(gaussianVector(rng, dim)));
  const confuser = names.map((_, c) => (c + 1 + (seed % (C - 1))) % C);
  const neutralDir = unit(gaussianVector(rng, dim));

  const wordRng = (word: string) => createRng(Number.parseInt(sha256Hex(`${seed}:${word}`).slice(0, 8), 16));
  const wordType = (word: string): "good" | "bad" | "neutral" => {
    const r = wordRng(word).next();
    return r < 0.2 ? "good" : r < 0.4 ? "bad" : "neutral";
  };
  const effectCache = new Map<string, (c: number) => Float32Array>();
  const effect = (word: string): ((c: number) => Float32Array) => {
    const hit = effectCache.get(word);
    if (hit) return hit;
    const r = wordRng(word);
    r.next();
    const type = wordType(word);
    let f: (c: number) => Float32Array;
    if (type === "good") {
      const gains = names.map(() => (r.next() < 0.35 ? 0 : r.next() * 1.2));
      f = (c) => (centres[c] as Float32Array).map((x) => x * (gains[c] as number));
    } else if (type === "bad") {
      const strength = 0.4 + r.next() * 0.5;
      const shift = 1 + r.int(C - 1);
      f = (c) => (centres[(c + shift) % C] as Float32Array).map((x) => x * strength);
    } else {
      const s = 0.1 + r.next() * 0.2;
      f = () => neutralDir.map((x) => x * s);
    }
    effectCache.set(word, f);
    return f;
  };

  const classOf = (words: string[]): number => names.findIndex((n) => words.includes(n));
  const textVector = (text: string): Float32Array | undefined => {
    const words = wordsOf(text);
    const c = classOf(words);
    if (c < 0) return undefined;
    const v = new Float32Array(dim);
    const add = (u: Float32Array, w = 1) => {
      for (let i = 0; i < dim; i++) v[i] = (v[i] as number) + (u[i] as number) * w;
    };
    add(centres[c] as Float32Array, 0.5);
    add(centres[confuser[c] as number] as Float32Array, 0.7);
    for (const w of new Set(words)) if (w !== names[c]) add(effect(w)(c));
    return v;
  };

  const images: Record<"train" | "val" | "test", LabeledImage[]> = { train: [], val: [], test: [] };
  const vectors = new Map<string, Float32Array>();
  const perSplit = { train: shots, val: Math.min(4, shots), test: 10 };
  for (const split of ["train", "val", "test"] as const) {
    names.forEach((name, c) => {
      for (let i = 0; i < perSplit[split]; i++) {
        const path = `/synthetic/${seed}/${split}/${name}/${i}.png`;
        const v = gaussianVector(rng, dim).map((x, j) => (centres[c]?.[j] as number) + x * noise);
        vectors.set(path, v);
        images[split].push({ path, label: c });
      }
    });
  }
  const encoder = new HashEncoder({
    dim,
    id: `test:synthetic-${seed}`,
    textVector,
    imageVector: (image) => (typeof image === "string" ? vectors.get(image) : undefined),
  });
  const dataset: Dataset = {
    name: "synthetic",
    displayName: "Synthetic",
    description: "Synthetic aerial scenes whose wording effects are hidden.",
    classNames: names,
    splits: images,
    provenance: { shots, seed },
  };
  return { dataset, encoder, wordType };
}
