import { describe, expect, it } from "vitest";
import { proapoFitness } from "./fitness.js";

const entry = (trainAccuracy: number, crossEntropy: number) => ({
  trainAccuracy,
  details: { perClass: [], confused: [], crossEntropy },
});

describe("ProAPO fitness", () => {
  it("is top-1 % × accuracy weight − cross-entropy × its weight, as get_fitness_score", () => {
    // The code's EuroSAT template stage: score_top_1_rate 0.05, score_inter_class_score_CE 10.
    expect(proapoFitness(entry(0.625, 1.3), { accuracy: 0.05, crossEntropy: 10 })).toBeCloseTo(
      62.5 * 0.05 - 1.3 * 10,
      12,
    );
    expect(proapoFitness(entry(0.5, 0), { accuracy: 0.1, crossEntropy: 10 })).toBeCloseTo(5, 12);
  });

  it("prefers, at equal accuracy, the prompt with the lower cross-entropy (the entropy constraint)", () => {
    const w = { accuracy: 0.1, crossEntropy: 10 };
    expect(proapoFitness(entry(0.6, 0.9), w)).toBeGreaterThan(proapoFitness(entry(0.6, 1.1), w));
    // ... and can rank a slightly less accurate but far more confident prompt first.
    expect(proapoFitness(entry(0.55, 0.5), w)).toBeGreaterThan(proapoFitness(entry(0.6, 1.1), w));
    // With no entropy weight it is accuracy alone.
    expect(proapoFitness(entry(0.55, 0.5), { accuracy: 1, crossEntropy: 0 })).toBeLessThan(
      proapoFitness(entry(0.6, 1.1), { accuracy: 1, crossEntropy: 0 }),
    );
  });

  it("gives an entry without score details no fitness", () => {
    expect(proapoFitness({ trainAccuracy: 1 }, { accuracy: 0.1, crossEntropy: 10 })).toBe(
      Number.NEGATIVE_INFINITY,
    );
  });
});
