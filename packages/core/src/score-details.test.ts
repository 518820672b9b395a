import { describe, expect, it } from "vitest";
import { createEmbeddings } from "./embeddings.js";
import { meanCrossEntropy } from "./score-details.js";

describe("meanCrossEntropy (ProAPO's fitness term) against a closed-form reference", () => {
  it("equals −log softmax(100 × cosine)[label], averaged over images", () => {
    // Two unit images, two unit classes: image logits are [60, 80] (label 0) and [80, 60] (label 1).
    const features = createEmbeddings(2, 2, new Float32Array([1, 0, 0, 1]));
    const classes = createEmbeddings(2, 2, new Float32Array([0.6, 0.8, 0.8, 0.6]));
    const split = { features, labels: new Int32Array([0, 1]) };
    // −log(e^60 / (e^60 + e^80)) = 20 + log(1 + e^−20), the same for both images.
    const reference = 20 + Math.log1p(Math.exp(-20));
    expect(meanCrossEntropy(split, classes)).toBeCloseTo(reference, 4);
  });

  it("matches the textbook formula for three classes and a custom scale", () => {
    const features = createEmbeddings(2, 3, new Float32Array([1, 0, 0, 0, 0, 1]));
    const classes = createEmbeddings(3, 3, new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1]));
    const split = { features, labels: new Int32Array([1, 2]) };
    const scale = 2;
    // Image 0: logits [2, 0, 0], label 1 → −log(1 / (e² + 2)); image 1: [0, 0, 2], label 2 → −log(e² / (e² + 2)).
    const z = Math.exp(2) + 2;
    const reference = (Math.log(z) + (Math.log(z) - 2)) / 2;
    expect(meanCrossEntropy(split, classes, scale)).toBeCloseTo(reference, 6);
    expect(meanCrossEntropy({ features: createEmbeddings(0, 3), labels: new Int32Array(0) }, classes)).toBe(
      0,
    );
  });
});
