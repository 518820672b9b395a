import { describe, expect, it } from "vitest";
import { matchProbabilities } from "./scoring.js";

describe("matchProbabilities", () => {
  it("SigLIP: sigmoid(scale·cos + bias) per class, with the model's own scale and bias", () => {
    const p = matchProbabilities({ kind: "sigmoid", logitScale: 112, logitBias: -16.5 }, [0.1, 0.2]);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-(11.2 - 16.5))), 12);
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-(22.4 - 16.5))), 12);
  });
  it("SigLIP without its scale and bias: one error that says to pass them", () => {
    expect(() =>
      matchProbabilities({ kind: "sigmoid", logitScale: undefined, logitBias: -1 }, [0.1]),
    ).toThrow(/do not carry its learned logit scale and bias/);
    try {
      matchProbabilities({ kind: "sigmoid", logitScale: undefined, logitBias: undefined }, [0.1]);
    } catch (e) {
      expect((e as { hint?: string }).hint).toMatch(/Pass logitScale and logitBias/);
    }
  });
  it("CLIP: softmax over 100·cos", () => {
    const p = matchProbabilities({ kind: "softmax", logitScale: 100 }, [0.3, 0.29]);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
  });
});
