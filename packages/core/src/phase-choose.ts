import type { Embeddings } from "./embeddings.js";
import type { SplitFeatures, TemplateScorer } from "./scoring.js";
import type { ScoredTemplate } from "./search-strategy.js";
import { topK } from "./selection.js";

/** The template(s) a run chose, with their train and validation accuracy. */
export interface Choice {
  templates: string[];
  ensemble: boolean;
  /** The best of them. */
  top: ScoredTemplate;
  trainAccuracy: number;
  valAccuracy: number | null;
}

/**
 * The choose phase, first half: the top `ensembleTopK` templates of the history by train
 * accuracy (the single best when 1). Their accuracies are the best one's until `scoreChoice`
 * scores an ensemble. Null when nothing was scored.
 */
export function choose(history: readonly ScoredTemplate[], ensembleTopK = 1): Choice | null {
  if (history.length === 0) return null;
  const picked = topK(history, Math.max(1, ensembleTopK));
  const top = picked[0] as ScoredTemplate;
  const templates = picked.map((p) => p.template);
  return {
    templates,
    ensemble: templates.length > 1,
    top,
    trainAccuracy: top.trainAccuracy,
    valAccuracy: top.valAccuracy,
  };
}

/**
 * The choose phase, second half: the class embeddings of the choice. An ensemble is scored anew
 * on train and validation (written into `choice` as soon as each is known); a single template
 * keeps the scores it already has.
 */
export async function scoreChoice(
  choice: Choice,
  scorer: TemplateScorer,
  featuresOf: (split: "train" | "val") => Promise<SplitFeatures>,
  hasVal: boolean,
): Promise<Embeddings> {
  const classes = await scorer.chosenEmbeddings(choice.templates);
  if (choice.ensemble) {
    choice.trainAccuracy = scorer.score(classes, await featuresOf("train")).accuracy;
    choice.valAccuracy = hasVal ? scorer.score(classes, await featuresOf("val")).accuracy : null;
  }
  return classes;
}
