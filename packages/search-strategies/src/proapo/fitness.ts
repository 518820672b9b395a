import type { ScoredTemplate } from "@vlmopt/core";

/** The weights of ProAPO's fitness (the public code's `score_top_1_rate` and `score_inter_class_score_CE`). */
export interface FitnessWeights {
  /** Weight of the train top-1 accuracy in percent (0–100). */
  accuracy: number;
  /** Weight of the mean cross-entropy, which is subtracted. */
  crossEntropy: number;
}

/**
 * ProAPO's fitness: accuracy with an entropy constraint, so that of two prompts with the same
 * few-shot accuracy the one whose softmax is more confident on the right class wins (the paper's
 * answer to overfitting a one-shot split). As in `get_fitness_score`
 * (https://github.com/MorningStarOvO/ProAPO/blob/main/tools/utils/util_model.py):
 * `top1 × score_top_1_rate − inter_class_score_CE × score_inter_class_score_CE`, with top1 in
 * percent and the cross-entropy that core records for strategies with `wantsScoreDetails`
 * (`details.crossEntropy`: softmax over 100 × cosine, as `get_acc_scores` computes it). An entry
 * without details (scored for another strategy) has no fitness: -Infinity.
 */
export function proapoFitness(
  entry: Pick<ScoredTemplate, "trainAccuracy" | "details">,
  w: FitnessWeights,
): number {
  if (!entry.details) return Number.NEGATIVE_INFINITY;
  return w.accuracy * 100 * entry.trainAccuracy - w.crossEntropy * entry.details.crossEntropy;
}
