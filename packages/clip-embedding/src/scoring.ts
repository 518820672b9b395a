import { ConfigError } from "@vlmopt/core";
import type { Scoring } from "./model-layouts.js";

export type { Scoring };

/**
 * Probabilities for one image's cosine similarities to each class, in the model's own scoring:
 * CLIP's softmax over logitScale·cos, or SigLIP's independent sigmoid(logitScale·cos + logitBias)
 * (the sigmoid loss of Zhai et al. 2023; these do not sum to 1). Both are monotone in cos, so the
 * argmax, and every accuracy, is the same as on the raw cosines.
 */
export function matchProbabilities(scoring: Scoring, cosines: ArrayLike<number>): Float64Array {
  const out = new Float64Array(cosines.length);
  if (scoring.kind === "softmax") {
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < cosines.length; i++) max = Math.max(max, scoring.logitScale * (cosines[i] as number));
    let sum = 0;
    for (let i = 0; i < cosines.length; i++) {
      out[i] = Math.exp(scoring.logitScale * (cosines[i] as number) - max);
      sum += out[i] as number;
    }
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / sum;
    return out;
  }
  if (scoring.logitScale === undefined || scoring.logitBias === undefined) {
    throw new ConfigError("This SigLIP model's files do not carry its learned logit scale and bias", {
      hint: "Pass logitScale and logitBias (the model's exp(logit_scale) and logit_bias) to show probabilities; accuracies do not need them",
    });
  }
  for (let i = 0; i < cosines.length; i++)
    out[i] = 1 / (1 + Math.exp(-(scoring.logitScale * (cosines[i] as number) + scoring.logitBias)));
  return out;
}
