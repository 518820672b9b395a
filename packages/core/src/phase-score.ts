import type { BudgetTracker } from "./budget.js";
import type { BudgetLimit } from "./errors.js";
import type { Replay } from "./phase-replay.js";
import { notify, type RunObserver } from "./run-observer.js";
import type { RunStore } from "./run-store.js";
import type { SplitFeatures, TemplateScorer } from "./scoring.js";
import type { ScoredTemplate } from "./search-strategy.js";
import { selectBest } from "./selection.js";
import { normalizeTemplate, templateProblem } from "./template.js";

const now = () => new Date().toISOString();

/** Everything scored in a run so far, in scoring order, with the normalised keys of its templates. */
export class ScoredHistory {
  readonly items: ScoredTemplate[] = [];
  private readonly keys = new Set<string>();

  has(template: string): boolean {
    return this.keys.has(normalizeTemplate(template));
  }

  add(candidate: ScoredTemplate): void {
    this.items.push(candidate);
    this.keys.add(normalizeTemplate(candidate.template));
  }
}

export interface ScoreContext {
  store: RunStore;
  observers: readonly RunObserver[];
  tracker: BudgetTracker;
  replay: Replay;
  scorer: TemplateScorer;
  train: SplitFeatures;
  val: SplitFeatures | null;
  history: ScoredHistory;
}

/**
 * The first `max` candidates that would be scored: valid, not scored yet, not recorded in the
 * log being replayed, and not a duplicate of an earlier one (after normalisation).
 */
export function toBeScored(
  candidates: readonly string[],
  o: { alreadyScored: (t: string) => boolean; recorded: (t: string) => boolean; max: number },
): string[] {
  const out: string[] = [];
  const keys = new Set<string>();
  for (const t of candidates) {
    if (out.length >= o.max) break;
    if (templateProblem(t) || o.alreadyScored(t) || o.recorded(t)) continue;
    const key = normalizeTemplate(t);
    if (keys.has(key)) continue;
    keys.add(key);
    out.push(t);
  }
  return out;
}

/**
 * One template's train and validation accuracy: taken from the log when it holds it, else
 * computed and logged — or the budget limit that refuses it.
 */
export async function evaluateTemplate(
  ctx: ScoreContext,
  template: string,
  step: number,
  source: string,
): Promise<ScoredTemplate | BudgetLimit> {
  const { tracker, scorer, history } = ctx;
  const recorded = ctx.replay.scoreOf(template);
  if (recorded) {
    tracker.recordEvaluation();
    return { ...recorded, id: history.items.length, step };
  }
  const blocked = tracker.blockingLimitForEvaluation();
  if (blocked) return blocked;
  const classes = await scorer.classEmbeddings(template);
  const trainAcc = scorer.score(classes, ctx.train);
  const valAcc = ctx.val ? scorer.score(classes, ctx.val) : null;
  const candidate: ScoredTemplate = {
    id: history.items.length,
    template,
    trainAccuracy: trainAcc.accuracy,
    valAccuracy: valAcc ? valAcc.accuracy : null,
    step,
    source,
    trainPerClass: trainAcc.perClass,
  };
  await ctx.store.append({ type: "candidate-scored", time: now(), step, candidate });
  tracker.recordEvaluation();
  return candidate;
}

/**
 * The score phase: scores a step's new, valid candidates in order and adds them to the history.
 * Invalid ones are reported and skipped; repeats are skipped. Candidates are embedded a few at
 * a time (one encoder call), never more than the evaluation budget has left.
 */
export async function scoreCandidates(
  ctx: ScoreContext,
  step: number,
  source: string,
  candidates: readonly string[],
): Promise<{ scored: ScoredTemplate[]; budgetStop: BudgetLimit | null }> {
  const { scorer, history, replay, observers } = ctx;
  const alreadyScored = (t: string) => history.has(t);
  const scored: ScoredTemplate[] = [];
  let budgetStop: BudgetLimit | null = null;
  for (let index = 0; index < candidates.length; index++) {
    const template = candidates[index] as string;
    const problem = templateProblem(template);
    if (problem) {
      notify(observers, "onCandidateRejected", { step, template: String(template), reason: problem });
      continue;
    }
    if (alreadyScored(template)) continue;
    if (!replay.isRecorded(template) && !scorer.hasPrefetched(template)) {
      // Embed this and the next few candidates in one encoder call (it batches prompts of
      // similar length); each is still scored and logged one by one below.
      await scorer.prefetch(
        toBeScored(candidates.slice(index), {
          alreadyScored,
          recorded: replay.isRecorded,
          max: Math.min(scorer.templatesPerCall, ctx.tracker.evaluationsLeft()),
        }),
      );
    }
    const result = await evaluateTemplate(ctx, template, step, source);
    if (typeof result === "string") {
      budgetStop = result;
      break;
    }
    const replayed = replay.isRecorded(template);
    history.add(result);
    scored.push(result);
    notify(observers, "onCandidateScored", {
      candidate: result,
      best: selectBest(history.items) as ScoredTemplate,
      replayed,
    });
  }
  scorer.clearPrefetched();
  return { scored, budgetStop };
}
