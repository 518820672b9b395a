import type { CandidateScorer } from "./candidate-scorer.js";
import type { SplitName } from "./dataset.js";
import type { Embeddings } from "./embeddings.js";
import type { Candidate } from "./prompt-set.js";
import { candidateOf } from "./score-details.js";
import {
  type AccuracyResult,
  accuracyOf,
  type ConfusedPair,
  confusedPairs,
  type SplitFeatures,
} from "./scoring.js";
import type { ScoredTemplate } from "./search-strategy.js";
import { topK } from "./selection.js";
import { normalizeTemplate } from "./template.js";

/** The template CLIP's paper uses as the zero-shot default. */
export const DEFAULT_BASELINE_TEMPLATE = "a photo of a {}.";

/** A reference template scored like the chosen one, to measure the chosen template's gain. */
export interface BaselineResult {
  /** What it stands for: "a photo of a {}." or "best pool template". */
  label: string;
  template: string;
  trainAccuracy: number;
  valAccuracy: number | null;
  testAccuracy: number | null;
}

/** The chosen class embeddings' test accuracy (overall and per class) and its most frequent mistakes. */
export function testChoice(
  classes: Embeddings,
  scorer: CandidateScorer,
  test: SplitFeatures,
  classCount: number,
): { test: AccuracyResult; confused: ConfusedPair[] } {
  const predictions = scorer.predict(classes, test);
  return {
    test: accuracyOf(predictions, test.labels, classCount),
    confused: confusedPairs(predictions, test.labels, 10),
  };
}

export interface BaselineContext {
  history: readonly ScoredTemplate[];
  scorer: CandidateScorer;
  featuresOf: (split: SplitName) => Promise<SplitFeatures>;
  hasVal: boolean;
  /** Whether the test split is scored (asked for, and not empty). */
  scoreTest: boolean;
}

/**
 * The test phase's baselines: "a photo of a {}." and the best pool template, scored on every split
 * (train and validation scores already in the history are reused). Each is pushed to `out` as soon
 * as it is known, so an abort keeps the finished ones.
 */
export async function scoreBaselines(ctx: BaselineContext, out: BaselineResult[]): Promise<void> {
  const { history, scorer, featuresOf } = ctx;
  const pool = topK(
    history.filter((h) => h.source === "pool"),
    1,
  )[0];
  const wanted: { label: string; template: string; candidate: Candidate }[] = [
    {
      label: DEFAULT_BASELINE_TEMPLATE,
      template: DEFAULT_BASELINE_TEMPLATE,
      candidate: DEFAULT_BASELINE_TEMPLATE,
    },
  ];
  if (pool)
    wanted.push({ label: "best pool template", template: pool.template, candidate: candidateOf(pool) });
  for (const { label, template, candidate } of wanted) {
    const known = history.find((h) => normalizeTemplate(h.template) === normalizeTemplate(template));
    const classes = await scorer.candidateEmbeddings(candidate);
    const valSplit = ctx.hasVal ? await featuresOf("val") : null;
    out.push({
      label,
      template,
      trainAccuracy: known?.trainAccuracy ?? scorer.score(classes, await featuresOf("train")).accuracy,
      valAccuracy: known ? known.valAccuracy : valSplit ? scorer.score(classes, valSplit).accuracy : null,
      testAccuracy: ctx.scoreTest ? scorer.score(classes, await featuresOf("test")).accuracy : null,
    });
  }
}
