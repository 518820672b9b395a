import type { ScoredTemplate } from "./search-strategy.js";

/**
 * The order used to choose templates: higher train accuracy first; a tie goes to the higher
 * validation accuracy (a missing one counts as lowest); a remaining tie to the earlier-scored
 * template. Test accuracy is never used for choosing.
 */
export function compareScored(a: ScoredTemplate, b: ScoredTemplate): number {
  if (a.trainAccuracy !== b.trainAccuracy) return b.trainAccuracy - a.trainAccuracy;
  const va = a.valAccuracy ?? Number.NEGATIVE_INFINITY;
  const vb = b.valAccuracy ?? Number.NEGATIVE_INFINITY;
  if (va !== vb) return vb > va ? 1 : -1;
  return a.id - b.id;
}

/** The k best templates in choosing order. */
export function topK(history: readonly ScoredTemplate[], k: number): ScoredTemplate[] {
  return history.slice().sort(compareScored).slice(0, Math.max(0, k));
}

/** The k worst templates, worst first (the reverse of choosing order). */
export function bottomK(history: readonly ScoredTemplate[], k: number): ScoredTemplate[] {
  return history
    .slice()
    .sort((a, b) => compareScored(b, a))
    .slice(0, Math.max(0, k));
}

/** The best template, or null for an empty history. */
export function selectBest(history: readonly ScoredTemplate[]): ScoredTemplate | null {
  return topK(history, 1)[0] ?? null;
}
