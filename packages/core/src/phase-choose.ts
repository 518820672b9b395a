import type { CandidateScorer } from "./candidate-scorer.js";
import type { Embeddings } from "./embeddings.js";
import type { Candidate, ClassPrompts } from "./prompt-set.js";
import { candidateOf } from "./score-details.js";
import type { SplitFeatures } from "./scoring.js";
import type { ScoredTemplate } from "./search-strategy.js";
import { topK } from "./selection.js";

/** The template(s) a run chose, with their train and validation accuracy. */
export interface Choice {
  /** The chosen templates (a prompt set by its key). */
  templates: string[];
  /** The chosen candidates themselves (templates or prompt sets), in the same order. */
  candidates: Candidate[];
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
    candidates: picked.map(candidateOf),
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
  scorer: CandidateScorer,
  featuresOf: (split: "train" | "val") => Promise<SplitFeatures>,
  hasVal: boolean,
): Promise<Embeddings> {
  const classes = await scorer.chosenEmbeddings(choice.candidates, choice.ensemble);
  if (choice.ensemble) {
    choice.trainAccuracy = scorer.score(classes, await featuresOf("train")).accuracy;
    choice.valAccuracy = hasVal ? scorer.score(classes, await featuresOf("val")).accuracy : null;
  }
  return classes;
}

/** The prompt sets of a choice, parallel to its templates (null for a template), or undefined when it has none. */
export function choicePrompts(choice: Pick<Choice, "candidates">): (ClassPrompts | null)[] | undefined {
  if (choice.candidates.every((c) => typeof c === "string")) return undefined;
  return choice.candidates.map((c) => (typeof c === "string" ? null : c.prompts));
}
