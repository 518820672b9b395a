import { describe, expect, it } from "vitest";
import { CandidateScorer, promptSetClassEmbeddings } from "./candidate-scorer.js";
import { MemoryEmbeddingCache } from "./embedding-cache.js";
import { createEmbeddings, type Embeddings } from "./embeddings.js";
import { ConfigError } from "./errors.js";
import { type ClassPrompts, promptSet, templatePromptSet } from "./prompt-set.js";
import type { SplitFeatures } from "./scoring.js";
import { HashEncoder } from "./testing.js";

const classNames = ["Forest", "River", "Sea_Lake"];
const prompts: ClassPrompts = {
  Forest: ["a photo of a forest, which has tall trees.", "green canopy seen from above", "woodland"],
  River: ["a photo of a river, which has flowing water.", "a winding blue line"],
  Sea_Lake: ["a photo of a lake.", "open water", "a calm sea", "a shoreline"],
};

/** Float64, one text at a time, written out plainly: the reference the scorer must agree with. */
async function referenceClassEmbeddings(encoder: HashEncoder, set: ClassPrompts): Promise<number[][]> {
  const out: number[][] = [];
  for (const name of classNames) {
    const sum = new Array<number>(encoder.dim).fill(0);
    for (const text of set[name] ?? []) {
      const v = Array.from((await encoder.embedTexts([text])).data);
      const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
      for (let j = 0; j < v.length; j++) sum[j] = (sum[j] as number) + (v[j] as number) / norm;
    }
    const mean = sum.map((x) => x / (set[name]?.length ?? 1));
    const norm = Math.sqrt(mean.reduce((s, x) => s + x * x, 0));
    out.push(mean.map((x) => x / norm));
  }
  return out;
}

function referenceAccuracy(classes: number[][], images: number[][], labels: number[]): number {
  let correct = 0;
  images.forEach((img, i) => {
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    classes.forEach((c, k) => {
      const s = c.reduce((acc, x, j) => acc + x * (img[j] as number), 0);
      if (s > bestScore) {
        bestScore = s;
        best = k;
      }
    });
    if (best === labels[i]) correct++;
  });
  return correct / images.length;
}

function split(encoderDim: number, count: number, seed: number): { split: SplitFeatures; rows: number[][] } {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
  const rows = Array.from({ length: count }, () => Array.from({ length: encoderDim }, rand));
  const labels = Int32Array.from({ length: count }, (_, i) => i % classNames.length);
  return {
    split: { features: createEmbeddings(count, encoderDim, Float32Array.from(rows.flat())), labels },
    rows,
  };
}

/** Every value of `got` within 1e-6 of `want`. */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i] as number, 6);
}

const rowsOf = (e: Embeddings) =>
  Array.from({ length: e.count }, (_, i) => Array.from(e.data.subarray(i * e.dim, (i + 1) * e.dim)));

describe("prompt-set class embeddings", () => {
  it("equal the float64 reference (normalised mean of normalised text embeddings) and score the same", async () => {
    const encoder = new HashEncoder({ dim: 24 });
    const scorer = new CandidateScorer({ encoder, classNames });
    const got = await scorer.promptSetEmbeddings(promptSet(prompts));
    const want = await referenceClassEmbeddings(encoder, prompts);
    expectClose(rowsOf(got).flat(), want.flat());
    const { split: s, rows } = split(24, 90, 7);
    const labels = Array.from(s.labels);
    expect(scorer.score(got, s).accuracy).toBe(referenceAccuracy(want, rows, labels));
  });

  it("use the dataset's class order whatever order the keys are in", async () => {
    const encoder = new HashEncoder({ dim: 16 });
    const scorer = new CandidateScorer({ encoder, classNames });
    const reversed: Record<string, readonly string[]> = {};
    for (const name of [...classNames].reverse()) reversed[name] = prompts[name] as string[];
    const a = await scorer.promptSetEmbeddings(promptSet(prompts));
    const b = await scorer.promptSetEmbeddings(promptSet(reversed));
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
  });

  it("normalise each text embedding before averaging (an unnormalised encoder gives the same classes)", async () => {
    const encoder = new HashEncoder({ dim: 16 });
    const scaled = async (texts: readonly string[]) => {
      const e = await encoder.embedTexts(texts);
      const data = e.data.map((x, i) => x * (1 + Math.floor(i / e.dim) * 3));
      return createEmbeddings(e.count, e.dim, data);
    };
    const plain = await promptSetClassEmbeddings(
      promptSet(prompts),
      classNames,
      (t) => encoder.embedTexts(t),
      100,
    );
    const got = await promptSetClassEmbeddings(promptSet(prompts), classNames, scaled, 100);
    expectClose(got.data, plain.data);
  });

  it("make a template the special case with one text per class", async () => {
    const encoder = new HashEncoder({ dim: 16 });
    const scorer = new CandidateScorer({ encoder, classNames });
    const template = "a satellite photo of {}.";
    const a = await scorer.candidateEmbeddings(template);
    const b = await scorer.candidateEmbeddings(templatePromptSet(template, classNames));
    expectClose(b.data, a.data);
    const mixed = await scorer.candidateEnsembleEmbeddings([template, templatePromptSet("a {}", classNames)]);
    const templatesOnly = await scorer.candidateEnsembleEmbeddings([template, "a {}"]);
    expectClose(mixed.data, templatesOnly.data);
  });

  it("embed the C × n texts in calls of at most textsPerCall, through the text cache", async () => {
    const encoder = new HashEncoder({ dim: 8 });
    const textCache = new MemoryEmbeddingCache();
    const scorer = new CandidateScorer({ encoder, classNames, textCache, maxTextsPerCall: 4 });
    await scorer.promptSetEmbeddings(promptSet(prompts));
    expect(encoder.textsEncoded).toBe(9);
    expect(encoder.textCalls).toBe(3);
    expect(textCache.size).toBe(9);
    await scorer.promptSetEmbeddings(promptSet(prompts));
    expect(encoder.textsEncoded).toBe(9);
  });

  it("refuses a set whose classes do not match the dataset, naming them", async () => {
    const scorer = new CandidateScorer({ encoder: new HashEncoder(), classNames });
    const bad = { Forest: ["trees"], Rivr: ["water"] };
    await expect(scorer.promptSetEmbeddings(promptSet(bad))).rejects.toThrow(ConfigError);
    await expect(scorer.promptSetEmbeddings(promptSet(bad))).rejects.toThrow(
      /Rivr.*River.*missing: "Sea_Lake"/,
    );
  });
});
