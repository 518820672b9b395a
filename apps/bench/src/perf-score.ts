import {
  CandidateScorer,
  type ClipEncoder,
  createEmbeddings,
  createRng,
  normalizeRows,
  promptSet,
  type SplitFeatures,
  TemplateScorer,
} from "@vlmopt/core";
import { median, nowMs } from "./timing.js";

export interface ScorePerfRow {
  classes: number;
  /** Texts per class: 1 for a template, n for a per-class description set (C × n texts). */
  textsPerClass: number;
  images: number;
  reps: number;
  /** Median ms to encode C texts with the bare encoder. */
  textEncodeMs: number;
  /** Median ms to score one template (encode C prompts + classify train and val features). */
  scoreMs: number;
  ratio: number;
}

/** Cached image features: random unit vectors, `shots` per class, with labels. */
export function syntheticFeatures(classes: number, shots: number, dim: number, seed: number): SplitFeatures {
  const rng = createRng(seed);
  const count = classes * shots;
  const e = createEmbeddings(count, dim);
  for (let i = 0; i < e.data.length; i++) e.data[i] = rng.next() * 2 - 1;
  normalizeRows(e);
  return { features: e, labels: Int32Array.from({ length: count }, (_, i) => i % classes) };
}

/**
 * The cost of scoring one template on C classes with cached image features (1-shot train and val
 * sets, C images each) as a ratio to the bare text-encoder time for the same C texts. Each rep
 * uses a fresh template so nothing is served from a cache; bare and scored calls alternate.
 */
export async function measureScore(
  encoder: ClipEncoder,
  classes: number,
  reps: number,
): Promise<ScorePerfRow> {
  const names = Array.from({ length: classes }, (_, i) => `class number ${i}`);
  const train = syntheticFeatures(classes, 1, encoder.dim, 1);
  const val = syntheticFeatures(classes, 1, encoder.dim, 2);
  const scorer = new TemplateScorer({ encoder, classNames: names });
  const bare: number[] = [];
  const scored: number[] = [];
  // Warm-up of both paths (graph optimisation, JIT, allocations) is not measured.
  for (let w = 0; w < 2; w++) {
    await encoder.embedTexts(names.map((n) => `a warm up photo ${w} of a ${n}.`));
    const emb = await scorer.classEmbeddings(`a warm up scored photo ${w} of a {}.`);
    scorer.score(emb, train);
    scorer.score(emb, val);
  }
  for (let r = 0; r < reps; r++) {
    const texts = names.map((n) => `a bare photo number ${r} of a ${n}.`);
    let t = nowMs();
    await encoder.embedTexts(texts);
    bare.push(nowMs() - t);
    t = nowMs();
    const emb = await scorer.classEmbeddings(`a scored photo number ${r} of a {}.`);
    scorer.score(emb, train);
    scorer.score(emb, val);
    scored.push(nowMs() - t);
  }
  const textEncodeMs = median(bare);
  const scoreMs = median(scored);
  return {
    classes,
    textsPerClass: 1,
    images: 2 * classes,
    reps,
    textEncodeMs,
    scoreMs,
    ratio: scoreMs / textEncodeMs,
  };
}

/**
 * The same ratio for a per-class description set of `perClass` texts per class: scoring it
 * (C × n texts through the scorer's batching, the per-class means, classifying train and val) over
 * the bare encoder time for the same C × n texts in one call. Fresh texts every rep.
 */
export async function measureDescriptionScore(
  encoder: ClipEncoder,
  classes: number,
  perClass: number,
  reps: number,
): Promise<ScorePerfRow> {
  const names = Array.from({ length: classes }, (_, i) => `class number ${i}`);
  const train = syntheticFeatures(classes, 1, encoder.dim, 1);
  const val = syntheticFeatures(classes, 1, encoder.dim, 2);
  const scorer = new CandidateScorer({ encoder, classNames: names });
  const set = (tag: string) =>
    promptSet(
      Object.fromEntries(
        names.map((n) => [
          n,
          Array.from({ length: perClass }, (_, k) => `${n}, which has ${tag} feature ${k}.`),
        ]),
      ),
    );
  const bare: number[] = [];
  const scored: number[] = [];
  for (let w = 0; w < 2; w++) {
    await encoder.embedTexts(Object.values(set(`warm bare ${w}`).prompts).flat());
    const emb = await scorer.promptSetEmbeddings(set(`warm scored ${w}`));
    scorer.score(emb, train);
    scorer.score(emb, val);
  }
  for (let r = 0; r < reps; r++) {
    const texts = Object.values(set(`bare ${r}`).prompts).flat();
    let t = nowMs();
    await encoder.embedTexts(texts);
    bare.push(nowMs() - t);
    const candidate = set(`scored ${r}`);
    t = nowMs();
    const emb = await scorer.promptSetEmbeddings(candidate);
    scorer.score(emb, train);
    scorer.score(emb, val);
    scored.push(nowMs() - t);
  }
  const textEncodeMs = median(bare);
  const scoreMs = median(scored);
  return {
    classes,
    textsPerClass: perClass,
    images: 2 * classes,
    reps,
    textEncodeMs,
    scoreMs,
    ratio: scoreMs / textEncodeMs,
  };
}
