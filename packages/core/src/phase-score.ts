import type { BudgetTracker } from "./budget.js";
import type { CandidateScorer } from "./candidate-scorer.js";
import type { BudgetLimit } from "./errors.js";
import type { Replay } from "./phase-replay.js";
import { type Candidate, candidateKey, candidateProblem, candidateText } from "./prompt-set.js";
import { notify, type RunObserver } from "./run-observer.js";
import type { RunStore } from "./run-store.js";
import { scoreDetailsOf } from "./score-details.js";
import { accuracyOf, type SplitFeatures } from "./scoring.js";
import type { ScoredTemplate } from "./search-strategy.js";
import { selectBest } from "./selection.js";

const now = () => new Date().toISOString();

/** Everything scored in a run so far, in scoring order, with the keys (`candidateKey`) of its candidates. */
export class ScoredHistory {
  readonly items: ScoredTemplate[] = [];
  private readonly keys = new Set<string>();

  has(candidate: Candidate): boolean {
    return this.keys.has(candidateKey(candidate));
  }

  add(candidate: ScoredTemplate): void {
    this.items.push(candidate);
    // A prompt set's `template` is its key already; a template's key is its normalised form.
    this.keys.add(candidateKey(candidate.template));
  }
}

export interface ScoreContext {
  store: RunStore;
  observers: readonly RunObserver[];
  tracker: BudgetTracker;
  replay: Replay;
  scorer: CandidateScorer;
  train: SplitFeatures;
  val: SplitFeatures | null;
  history: ScoredHistory;
  /** Record `ScoredTemplate.details` (the strategy's `wantsScoreDetails`). */
  details?: boolean;
}

/**
 * The first `max` candidates that would be scored: valid, not scored yet, not recorded in the
 * log being replayed, and not a duplicate of an earlier one (after normalisation).
 */
export function toBeScored(
  candidates: readonly Candidate[],
  o: { alreadyScored: (t: Candidate) => boolean; recorded: (t: Candidate) => boolean; max: number },
): string[] {
  const out: string[] = [];
  const keys = new Set<string>();
  for (const t of candidates) {
    if (out.length >= o.max) break;
    // Prompt sets are embedded when scored (in calls of `textsPerCall` texts), not prefetched.
    if (typeof t !== "string") continue;
    if (candidateProblem(t) || o.alreadyScored(t) || o.recorded(t)) continue;
    const key = candidateKey(t);
    if (keys.has(key)) continue;
    keys.add(key);
    out.push(t);
  }
  return out;
}

/**
 * One candidate's train and validation accuracy: taken from the log when it holds it, else
 * computed and logged — or the budget limit that refuses it. A prompt set is logged with its
 * texts (`prompts`) under its key (`template`), so a resumed run and the reports can rebuild it.
 */
export async function evaluateTemplate(
  ctx: ScoreContext,
  template: Candidate,
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
  const classes = await scorer.candidateEmbeddings(template);
  const predictions = scorer.predict(classes, ctx.train);
  const trainAcc = accuracyOf(predictions, ctx.train.labels, classes.count);
  const valAcc = ctx.val ? scorer.score(classes, ctx.val) : null;
  const candidate: ScoredTemplate = {
    id: history.items.length,
    template: candidateText(template),
    trainAccuracy: trainAcc.accuracy,
    valAccuracy: valAcc ? valAcc.accuracy : null,
    step,
    source,
    ...(typeof template === "string" ? {} : { prompts: template.prompts }),
    ...(ctx.details ? { details: scoreDetailsOf(ctx.train, classes, trainAcc, predictions) } : {}),
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
  candidates: readonly Candidate[],
): Promise<{ scored: ScoredTemplate[]; budgetStop: BudgetLimit | null }> {
  const { scorer, history, replay, observers } = ctx;
  const alreadyScored = (t: Candidate) => history.has(t);
  const scored: ScoredTemplate[] = [];
  let budgetStop: BudgetLimit | null = null;
  for (let index = 0; index < candidates.length; index++) {
    const template = candidates[index] as Candidate;
    const problem = scorer.problemOf(template);
    if (problem) {
      const shown =
        typeof template === "string" || problem === "not-a-candidate"
          ? String(template)
          : candidateText(template);
      notify(observers, "onCandidateRejected", { step, template: shown, reason: problem });
      continue;
    }
    if (alreadyScored(template)) continue;
    if (typeof template === "string" && !replay.isRecorded(template) && !scorer.hasPrefetched(template)) {
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
