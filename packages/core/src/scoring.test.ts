import { describe, expect, it } from "vitest";
import { MemoryEmbeddingCache } from "./embedding-cache.js";
import { createEmbeddings, normalizeRows } from "./embeddings.js";
import { accuracyOf, classify, ensembleClassEmbeddings, TemplateScorer } from "./scoring.js";
import { HashEncoder } from "./testing.js";

const m = (rows: number[][]) =>
  createEmbeddings(rows.length, (rows[0] as number[]).length, Float32Array.from(rows.flat()));

describe("classify", () => {
  it("picks the class with the highest dot product (hand-computed)", () => {
    // image 0 · classes = [1, 0, 0.5] → class 0; image 1 · classes = [0, 1, 0.5] → class 1;
    // image 2 = (0.6, 0.8): [0.6, 0.8, 0.5·0.6+0.5·0.8 = 0.7] → class 1
    const images = m([
      [1, 0],
      [0, 1],
      [0.6, 0.8],
    ]);
    const classes = m([
      [1, 0],
      [0, 1],
      [0.5, 0.5],
    ]);
    expect(Array.from(classify(images, classes))).toEqual([0, 1, 1]);
  });

  it("breaks an exact tie in logits toward the lower class index", () => {
    const images = m([[1, 1]]);
    const classes = m([
      [0, 1],
      [1, 0],
    ]);
    expect(Array.from(classify(images, classes))).toEqual([0]);
    const reversed = m([
      [1, 0],
      [0, 1],
    ]);
    expect(Array.from(classify(images, reversed))).toEqual([0]);
  });

  it("agrees with a plain argmax for every shape of the blocked loop (odd counts, remainders)", () => {
    let seed = 1;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648 - 0.5;
    };
    for (const [n, c, d] of [
      [1, 1, 3],
      [3, 5, 7],
      [4, 8, 16],
      [7, 10, 5],
      [10, 102, 12],
    ] as const) {
      const images = createEmbeddings(n, d, Float32Array.from({ length: n * d }, rand));
      const classes = createEmbeddings(c, d, Float32Array.from({ length: c * d }, rand));
      const expected = Array.from({ length: n }, (_, i) => {
        let best = 0;
        let bestScore = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < c; k++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += (images.data[i * d + j] as number) * (classes.data[k * d + j] as number);
          if (s > bestScore) {
            bestScore = s;
            best = k;
          }
        }
        return best;
      });
      expect(Array.from(classify(images, classes)), `${n}×${c}×${d}`).toEqual(expected);
    }
    // ties inside and across blocks go to the lowest index
    const tied = createEmbeddings(3, 2, Float32Array.from([1, 0, 1, 0, 1, 0]));
    const same = createEmbeddings(6, 2, Float32Array.from([0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]));
    expect(Array.from(classify(tied, same))).toEqual([1, 1, 1]);
  });

  it("rejects mismatched dimensions", () => {
    expect(() => classify(m([[1, 0]]), m([[1, 0, 0]]))).toThrow(/dim 2.*dim 3/);
  });
});

describe("accuracyOf", () => {
  it("computes overall and per-class accuracy", () => {
    const r = accuracyOf(Int32Array.from([0, 1, 1, 2, 0]), Int32Array.from([0, 1, 0, 2, 2]), 4);
    expect(r.correct).toBe(3);
    expect(r.total).toBe(5);
    expect(r.accuracy).toBeCloseTo(0.6, 12);
    // class 0: 1 of 2; class 1: 1 of 1; class 2: 1 of 2; class 3: no image
    expect(r.perClass).toEqual([0.5, 1, 0.5, null]);
  });

  it("is 0 on an empty split", () => {
    expect(accuracyOf(new Int32Array(0), new Int32Array(0), 2).accuracy).toBe(0);
  });
});

describe("ensembleClassEmbeddings", () => {
  it("averages normalised class embeddings and re-normalises (CLIP's ensemble)", () => {
    const a = m([[1, 0]]);
    const b = m([[0, 1]]);
    const e = ensembleClassEmbeddings([a, b]);
    expect(e.data[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(e.data[1]).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it("a single template is its own ensemble", () => {
    const a = normalizeRows(m([[3, 4]]));
    expect(Array.from(ensembleClassEmbeddings([a]).data)).toEqual(Array.from(a.data));
  });
});

describe("TemplateScorer", () => {
  it("fills every class name (underscores → spaces) and caches text features", async () => {
    const encoder = new HashEncoder({ dim: 8 });
    const cache = new MemoryEmbeddingCache();
    const scorer = new TemplateScorer({ encoder, classNames: ["sea_lake", "forest"], textCache: cache });
    const first = await scorer.classEmbeddings("a photo of a {}.");
    expect(encoder.textsEncoded).toBe(2);
    const again = await scorer.classEmbeddings("a photo of a {}.");
    expect(encoder.textsEncoded).toBe(2);
    expect(Array.from(again.data)).toEqual(Array.from(first.data));
    const direct = await encoder.embedTexts(["a photo of a sea lake.", "a photo of a forest."]);
    expect(Array.from(first.data)).toEqual(Array.from(direct.data));
  });

  it("scores a template: images equal to their class text embedding are all correct", async () => {
    const encoder = new HashEncoder({ dim: 32 });
    const names = ["cat", "dog", "car"];
    const scorer = new TemplateScorer({ encoder, classNames: names });
    const classes = await scorer.classEmbeddings("a photo of a {}.");
    const labels = Int32Array.from([2, 0, 1, 1]);
    const features = createEmbeddings(4, 32);
    labels.forEach((y, i) => {
      features.data.set(classes.data.subarray(y * 32, (y + 1) * 32), i * 32);
    });
    const r = await scorer.scoreTemplate("a photo of a {}.", { features, labels });
    expect(r.accuracy).toBe(1);
    // a different template gives different class embeddings, so accuracy is what it is — but never above 1
    const other = await scorer.scoreTemplate("{}", { features, labels });
    expect(other.accuracy).toBeLessThanOrEqual(1);
  });
});
