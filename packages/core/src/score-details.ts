import type { Embeddings } from "./embeddings.js";
import type { Candidate, ClassPrompts } from "./prompt-set.js";
import { promptSet } from "./prompt-set.js";
import { type AccuracyResult, confusedPairs, type SplitFeatures } from "./scoring.js";
import type { ScoreDetails, ScoredTemplate } from "./search-strategy.js";

/** CLIP's learned logit scale at the end of training (exp(4.6052) = 100), as ProAPO's fitness uses it. */
export const CLIP_LOGIT_SCALE = 100;

/**
 * Mean cross-entropy of softmax(scale × image · class) against the labels, in float64 — the
 * `inter_class_score_CE = F.cross_entropy(logits, labels)` term ProAPO subtracts from its fitness
 * (https://github.com/MorningStarOvO/ProAPO/blob/main/tools/models/APO_score_func/get_score_based_ACC.py,
 * `get_acc_scores`; logits = logit_scale · image_features @ text_features.T). 0 for an empty split.
 */
export function meanCrossEntropy(
  split: SplitFeatures,
  classes: Embeddings,
  scale = CLIP_LOGIT_SCALE,
): number {
  const { features, labels } = split;
  const { dim } = features;
  const C = classes.count;
  if (features.count === 0) return 0;
  const logits = new Float64Array(C);
  let total = 0;
  for (let i = 0; i < features.count; i++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let j = 0; j < dim; j++)
        s += (features.data[i * dim + j] as number) * (classes.data[c * dim + j] as number);
      logits[c] = scale * s;
      if ((logits[c] as number) > max) max = logits[c] as number;
    }
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp((logits[c] as number) - max);
    total += Math.log(sum) + max - (logits[labels[i] as number] as number);
  }
  return total / features.count;
}

/** The train-split details a strategy with `wantsScoreDetails` is told. */
export function scoreDetailsOf(
  split: SplitFeatures,
  classes: Embeddings,
  accuracy: AccuracyResult,
  predictions: Int32Array,
): ScoreDetails {
  return {
    perClass: accuracy.perClass,
    confused: confusedPairs(predictions, split.labels, 10),
    crossEntropy: meanCrossEntropy(split, classes),
  };
}

/** The candidate a scored entry stands for: its prompt set when it has one, else its template. */
export function candidateOf(scored: Pick<ScoredTemplate, "template" | "prompts">): Candidate {
  return scored.prompts ? promptSet(scored.prompts) : scored.template;
}

/** Candidates of a run's chosen result: `templates[i]`, or its prompt set where `prompts[i]` has one. */
export function chosenCandidates(chosen: {
  templates: readonly string[];
  prompts?: readonly (ClassPrompts | null)[];
}): Candidate[] {
  return chosen.templates.map((t, i) => {
    const p = chosen.prompts?.[i];
    return p ? promptSet(p) : t;
  });
}
