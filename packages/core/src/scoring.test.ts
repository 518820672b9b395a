import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryEmbeddingCache } from "./embedding-cache.js";
import { createEmbeddings, type Embeddings, normalizeRows } from "./embeddings.js";
import { ConfigError } from "./errors.js";
import { accuracyOf, classify, confusedPairs, ensembleClassEmbeddings, TemplateScorer } from "./scoring.js";
import { HashEncoder } from "./testing.js";
import { wasmSimdAvailable } from "./wasm-dot-kernel.js";

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
      expect(Array.from(classify(images, classes)), `${n}×${c}×${d}`).toEqual(
        referenceArgmax(images, classes),
      );
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

/** Plain argmax: float32 values multiplied and summed in float64 in dimension order, first max wins. */
function referenceArgmax(images: Embeddings, classes: Embeddings): number[] {
  const d = images.dim;
  return Array.from({ length: images.count }, (_, i) => {
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < classes.count; k++) {
      let s = 0;
      for (let j = 0; j < d; j++)
        s += (images.data[i * d + j] as number) * (classes.data[k * d + j] as number);
      if (s > bestScore) {
        bestScore = s;
        best = k;
      }
    }
    return best;
  });
}

function randomEmbeddings(count: number, dim: number, seed: number): Embeddings {
  let state = seed;
  const rand = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  return createEmbeddings(count, dim, Float32Array.from({ length: count * dim }, rand));
}

const backends = ["js", "wasm", "auto"] as const;
const predict = (images: Embeddings, classes: Embeddings, backend: (typeof backends)[number]) =>
  Array.from(classify(images, classes, { backend }));

describe("classify backends (WebAssembly SIMD kernel and JavaScript)", () => {
  it("this runtime has WebAssembly SIMD (Node ≥ 16.4), so the wasm path is what runs by default", () => {
    expect(wasmSimdAvailable()).toBe(true);
  });

  it("every backend equals a plain float64 argmax on random inputs of many shapes", () => {
    // Shapes cover 1 image/class, counts that are not multiples of the 4 × 4 register block,
    // dims not a multiple of 4 (and of 2), several image chunks (150 rows at dim 512 is three
    // chunks of up to 64), and a memory that grows and is reused between calls.
    const shapes = [
      [1, 1, 3],
      [3, 5, 7],
      [5, 3, 1],
      [4, 8, 16],
      [7, 10, 5],
      [10, 102, 12],
      [64, 9, 33],
      [37, 1000, 512],
      [150, 41, 512],
      [129, 131, 513],
      [2, 2, 2],
    ] as const;
    shapes.forEach(([n, c, d], s) => {
      const images = randomEmbeddings(n, d, 2 * s + 1);
      const classes = randomEmbeddings(c, d, 2 * s + 2);
      const expected = referenceArgmax(images, classes);
      for (const backend of backends)
        expect(predict(images, classes, backend), `${n}×${c}×${d} ${backend}`).toEqual(expected);
    });
  });

  it("exact duplicate class rows tie and the lower index wins, inside and across blocks", () => {
    const d = 20;
    const images = randomEmbeddings(9, d, 11);
    const classes = randomEmbeddings(1000, d, 12);
    const winners = referenceArgmax(images, classes);
    // Copy each image's winning class row to a second index, below or above it: the same or
    // the neighbouring 4-class panel, the first and last class, far away. (With these seeds the
    // winners are 252, 109, 443, 624, 41, 998, 264, 978, 728 and no copy overwrites another's.)
    const rows = classes.data;
    const moves = [
      (_: number) => 0,
      (w: number) => w - 1,
      (w: number) => w + 1,
      (w: number) => w - 4,
      (_: number) => 999,
      (w: number) => w - 3,
      (w: number) => w + 2,
      (w: number) => w - 251,
      (w: number) => w - 5,
    ];
    const targets = winners.map((w, i) => (moves[i] as (w: number) => number)(w));
    expect(new Set([...winners, ...targets]).size).toBe(2 * winners.length);
    winners.forEach((w, i) => {
      rows.copyWithin((targets[i] as number) * d, w * d, (w + 1) * d);
    });
    const expected = referenceArgmax(images, classes);
    // Every image now has two classes with exactly its best score, and the lower one wins.
    winners.forEach((w, i) => {
      expect(expected[i]).toBe(Math.min(w, targets[i] as number));
    });
    for (const backend of backends) expect(predict(images, classes, backend), backend).toEqual(expected);
    // All classes equal: class 0 for everyone; all images equal: the same answer for everyone.
    const same = createEmbeddings(13, 6, new Float32Array(13 * 6).fill(0.25));
    const imgs = createEmbeddings(
      6,
      6,
      new Float32Array(6 * 6).fill(-0.5).map((v, i) => (i % 2 ? v : 1)),
    );
    for (const backend of backends) expect(predict(imgs, same, backend), backend).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("sums in dimension order in float64: order-sensitive sums still match the plain loop", () => {
    // Each class has ±2^k (k = 50…62) at j = 5 and its negation at j = 17, and every image has
    // equal values there, so those two products cancel exactly — but in dimension order the small
    // terms between them vanish next to the big one. A kernel that re-associated the sum (e.g. 4
    // lanes along the dimension) or accumulated in float32 would change the argmax.
    let state = 99;
    const next = (m: number) => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state % m;
    };
    const d = 23;
    const images = createEmbeddings(
      24,
      d,
      Float32Array.from({ length: 24 * d }, () => 1 + next(3)),
    );
    for (let i = 0; i < 24; i++) images.data[i * d + 17] = images.data[i * d + 5] as number;
    const classes = createEmbeddings(
      200,
      d,
      Float32Array.from({ length: 200 * d }, () => next(31) - 15),
    );
    for (let k = 0; k < 200; k++) {
      const big = (next(2) ? 1 : -1) * 2 ** (50 + next(13));
      classes.data[k * d + 5] = big;
      classes.data[k * d + 17] = -big;
    }
    const expected = referenceArgmax(images, classes);
    // The same sums in 4 lanes along the dimension: a different answer for some image proves
    // this input tells the two orders apart.
    const lanes = Array.from({ length: images.count }, (_, i) => {
      let best = -1;
      let bestScore = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < classes.count; k++) {
        const lane = [0, 0, 0, 0];
        for (let j = 0; j < d; j++)
          lane[j % 4] =
            (lane[j % 4] as number) +
            (images.data[i * d + j] as number) * (classes.data[k * d + j] as number);
        const s = (lane[0] as number) + (lane[1] as number) + (lane[2] as number) + (lane[3] as number);
        if (s > bestScore) {
          bestScore = s;
          best = k;
        }
      }
      return best;
    });
    expect(lanes).not.toEqual(expected);
    for (const backend of backends) expect(predict(images, classes, backend), backend).toEqual(expected);
  });

  it("an image whose scores are all NaN gets -1 on every backend, as in the JavaScript loop", () => {
    const images = randomEmbeddings(6, 9, 5);
    images.data[2 * 9 + 4] = Number.NaN;
    const classes = randomEmbeddings(30, 9, 6);
    const expected = referenceArgmax(images, classes);
    expect(expected[2]).toBe(-1);
    for (const backend of backends) expect(predict(images, classes, backend), backend).toEqual(expected);
  });

  it("empty inputs give empty or -1 predictions on every backend", () => {
    const none = createEmbeddings(0, 4);
    const some = randomEmbeddings(3, 4, 9);
    for (const backend of backends) {
      expect(predict(none, some, backend)).toEqual([]);
      expect(predict(some, none, backend)).toEqual([-1, -1, -1]);
    }
  });
});

describe("classify without WebAssembly SIMD", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('"auto" falls back to JavaScript and "wasm" throws a ConfigError', async () => {
    vi.resetModules();
    vi.stubGlobal("WebAssembly", { validate: () => false });
    const fresh = await import("./scoring.js");
    const images = randomEmbeddings(40, 64, 21);
    const classes = randomEmbeddings(50, 64, 22);
    expect(Array.from(fresh.classify(images, classes))).toEqual(referenceArgmax(images, classes));
    let error: unknown;
    try {
      fresh.classify(images, classes, { backend: "wasm" });
    } catch (e) {
      error = e;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/WebAssembly SIMD/);
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

  it("embeds several templates in one encoder call, each equal to embedding it alone", async () => {
    const names = ["cat", "dog", "car"];
    const templates = ["a photo of a {}.", "{}", "a blurry {} at night.", "art of the {}.", "a {} toy."];
    const together = new HashEncoder({ dim: 16 });
    const scorer = new TemplateScorer({ encoder: together, classNames: names, maxTextsPerCall: 6 });
    expect(scorer.templatesPerCall).toBe(2);
    const many = await scorer.classEmbeddingsOfMany(templates);
    expect(together.textCalls).toBe(3); // 2 + 2 + 1 templates
    expect(together.textsEncoded).toBe(15);
    const alone = new TemplateScorer({ encoder: new HashEncoder({ dim: 16 }), classNames: names });
    for (const [i, t] of templates.entries()) {
      const one = await alone.classEmbeddings(t);
      expect(many[i]?.count).toBe(3);
      expect(Array.from(many[i]?.data ?? [])).toEqual(Array.from(one.data));
    }
    // the ensemble is the same whichever way the parts were embedded
    const e1 = await scorer.ensembleEmbeddings(templates);
    const e2 = ensembleClassEmbeddings(await Promise.all(templates.map((t) => alone.classEmbeddings(t))));
    expect(Array.from(e1.data)).toEqual(Array.from(e2.data));
  });

  it("prefetch embeds ahead; classEmbeddings hands each result out once; clearPrefetched drops the rest", async () => {
    const encoder = new HashEncoder({ dim: 8 });
    const scorer = new TemplateScorer({ encoder, classNames: ["cat", "dog"] });
    await scorer.prefetch(["a {}.", "the {}.", "a {}."]);
    expect(encoder.textCalls).toBe(1);
    expect(encoder.textsEncoded).toBe(4);
    expect(scorer.hasPrefetched("a {}.")).toBe(true);
    const a = await scorer.classEmbeddings("a {}.");
    expect(encoder.textCalls).toBe(1);
    expect(Array.from(a.data)).toEqual(Array.from((await encoder.embedTexts(["a cat.", "a dog."])).data));
    expect(scorer.hasPrefetched("a {}.")).toBe(false);
    scorer.clearPrefetched();
    expect(scorer.hasPrefetched("the {}.")).toBe(false);
    await scorer.classEmbeddings("the {}.");
    expect(encoder.textCalls).toBe(3);
  });

  it("sends only the prompts the text cache lacks, in one call", async () => {
    const encoder = new HashEncoder({ dim: 8 });
    const cache = new MemoryEmbeddingCache();
    const scorer = new TemplateScorer({ encoder, classNames: ["cat", "dog"], textCache: cache });
    await scorer.classEmbeddings("a {}.");
    const [first, second] = await scorer.classEmbeddingsOfMany(["a {}.", "the {}."]);
    expect(encoder.textCalls).toBe(2);
    expect(encoder.textsEncoded).toBe(4);
    const fresh = new TemplateScorer({ encoder: new HashEncoder({ dim: 8 }), classNames: ["cat", "dog"] });
    expect(Array.from(first?.data ?? [])).toEqual(Array.from((await fresh.classEmbeddings("a {}.")).data));
    expect(Array.from(second?.data ?? [])).toEqual(Array.from((await fresh.classEmbeddings("the {}.")).data));
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

describe("confusedPairs", () => {
  it("counts each (actual, predicted) mistake, most frequent first, with its share of the class", () => {
    const labels = Int32Array.from([0, 0, 0, 0, 1, 1, 2, 2]);
    const predicted = Int32Array.from([0, 1, 1, 2, 1, 0, 2, 0]);
    expect(confusedPairs(predicted, labels)).toEqual([
      { actual: 0, predicted: 1, count: 2, share: 0.5 },
      { actual: 0, predicted: 2, count: 1, share: 0.25 },
      { actual: 1, predicted: 0, count: 1, share: 0.5 },
      { actual: 2, predicted: 0, count: 1, share: 0.5 },
    ]);
    expect(confusedPairs(predicted, labels, 1)).toHaveLength(1);
    expect(confusedPairs(labels, labels)).toEqual([]);
    expect(() => confusedPairs(predicted, labels.subarray(1))).toThrow(RangeError);
  });
});
