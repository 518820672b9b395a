import { CandidateScorer } from "./candidate-scorer.js";
import { createEmbeddings } from "./embeddings.js";
import type { SplitFeatures } from "./scoring.js";
import { HashEncoder } from "./testing.js";

const classNames = ["cat", "dog"];

/**
 * For the phase tests: a task with a known answer. "good ..." templates name the right class,
 * "bad ..." ones the other; image features are one-hot by label.
 */
export function knownTask() {
  const encoder = new HashEncoder({
    dim: 2,
    textVector: (text) => {
      const c = text.includes("cat") ? 0 : 1;
      const right = text.startsWith("good") ? c : text.startsWith("bad") ? 1 - c : -1;
      if (right < 0) return undefined;
      const v = new Float32Array(2);
      v[right] = 1;
      return v;
    },
  });
  const split = (labels: number[]): SplitFeatures => {
    const features = createEmbeddings(labels.length, 2);
    labels.forEach((l, i) => {
      features.data[i * 2 + l] = 1;
    });
    return { features, labels: Int32Array.from(labels) };
  };
  const scorer = new CandidateScorer({ encoder, classNames });
  return { encoder, scorer, split, classNames };
}
