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
  // transformers' SiglipModel keeps them as weights (`self.logit_scale = nn.Parameter(...)`,
  // `self.logit_bias = ...`, src/transformers/models/siglip/modeling_siglip.py), not in config.json, so
  // the Xenova text/vision exports do not carry them; open_clip's config has only init_logit_scale /
  // init_logit_bias, the values before training. A config.json with logit_scale / logit_bias is read.
  if (scoring.logitScale === undefined || scoring.logitBias === undefined) {
    throw new ConfigError("This SigLIP model's files do not carry its learned logit scale and bias", {
      hint: "Pass logitScale and logitBias to loadClipEncoder (exp of the checkpoint's logit_scale weight, and its logit_bias weight; they are weights of the PyTorch model, not in config.json), or add them to the model folder's config.json as logit_scale / logit_bias (siglip-b16 reads them once, with internet, from the original checkpoint's model.safetensors and caches them); accuracies do not need them",
    });
  }
  for (let i = 0; i < cosines.length; i++)
    out[i] = 1 / (1 + Math.exp(-(scoring.logitScale * (cosines[i] as number) + scoring.logitBias)));
  return out;
}
