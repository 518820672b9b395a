import type { LabeledImage } from "./dataset.js";
import type { LlmRequest } from "./llm-provider.js";
import type { Candidate, ClassPrompts } from "./prompt-set.js";
import type { Rng } from "./rng.js";
import type { ConfusedPair } from "./scoring.js";

/** A template with its scores. Accuracies are fractions in [0, 1]. */
export interface ScoredTemplate {
  /** Order in which it was first scored in the run (0-based). */
  id: number;
  template: string;
  trainAccuracy: number;
  valAccuracy: number | null;
  /** Step that proposed it. */
  step: number;
  /** Where it came from: "pool", "llm", "user". */
  source: string;
  /**
   * Set when the candidate is a per-class prompt set: its texts by class name. `template` then
   * holds the set's key (`promptSetKey`). Absent for templates and in logs written before prompt
   * sets existed.
   */
  prompts?: ClassPrompts;
  /**
   * Train-split details, recorded only for strategies that set `wantsScoreDetails` (absent
   * otherwise and in older logs): accuracy per class (label order, null for a class without
   * images), the most frequent confusions, and the mean cross-entropy of the softmax over
   * 100 × cosine logits (ProAPO's entropy-style fitness term).
   */
  details?: ScoreDetails;
}

export interface ScoreDetails {
  perClass: (number | null)[];
  confused: ConfusedPair[];
  crossEntropy: number;
}

/** Read-only view of the task given to a strategy. */
export interface TaskInfo {
  datasetName: string;
  displayName?: string;
  description?: string;
  classNames: readonly string[];
}

/** What a strategy sees when asked for its next step. */
export interface AskContext {
  /** 0-based index of the step being asked for. */
  step: number;
  task: TaskInfo;
  /** Everything scored so far in this run, in scoring order. */
  history: readonly ScoredTemplate[];
  /** Seeded random numbers; the only source of randomness a strategy may use. */
  rng: Rng;
  /**
   * The train split's images (never val or test), for strategies that show the LLM examples
   * (`LlmProposal.images`).
   */
  trainImages?: readonly LabeledImage[];
}

/** A training image a proposal shows the LLM, with the caption sent next to it (its class name). */
export interface ShownImage {
  path: string;
  label: string;
}

/**
 * The next step a strategy wants: either templates to score directly (an initial pool, random
 * samples), or an LLM request whose reply the strategy parses into templates. The loop — not the
 * strategy — performs the call, checks budgets, records events, retries a reply that yields
 * nothing (up to `maxAttempts` calls) and scores the candidates.
 */
export type Proposal = TemplateProposal | LlmProposal;

export interface TemplateProposal {
  kind: "templates";
  /** Templates and/or per-class prompt sets. */
  templates: readonly Candidate[];
  source?: string;
  /** Short human label for logs, e.g. "initial pool". */
  label?: string;
}

export interface LlmProposal {
  kind: "llm";
  request: LlmRequest;
  /**
   * Turns reply texts into candidates (templates or per-class prompt sets). `alreadyScored`
   * tests a candidate against everything scored so far (normalised), so duplicates can be dropped.
   */
  parse(texts: readonly string[], alreadyScored: (candidate: Candidate) => boolean): Candidate[];
  /** LLM calls allowed for this step until a reply yields at least one new template. Default 1. */
  maxAttempts?: number;
  label?: string;
  /**
   * Training images to show with the request's last message: the loop encodes them for the
   * provider (`OptimizeOptions.loadImage`), refuses any path outside the train split, and records
   * them (event "llm-images"), so a resumed run shows the same ones.
   */
  images?: readonly ShownImage[];
}

/** What the loop reports back after a step. */
export interface StepOutcome {
  step: number;
  /** Candidates scored in this step (new ones only; duplicates are not re-scored). */
  scored: readonly ScoredTemplate[];
  /** Reply texts of the last LLM call of the step, if any (hill-climb keeps the conversation). */
  replies: readonly string[];
  /** The request that produced `replies`. */
  request?: LlmRequest;
  /** True when no attempt yielded a new template. */
  failed: boolean;
  history: readonly ScoredTemplate[];
}

/**
 * A search strategy in ask/tell form. It keeps whatever state it needs (a conversation, a
 * population) but must be deterministic given the outcomes it is told and `ctx.rng`, because a
 * resumed run re-plays it from the run's event log.
 */
export interface SearchStrategy {
  readonly specificationVersion: "v1";
  readonly name: string;
  /** Parameters recorded in the run manifest. */
  readonly params: Readonly<Record<string, string | number | boolean | null>>;
  /** Ask the loop to record `ScoredTemplate.details` (per-class accuracy, confusions, loss). */
  readonly wantsScoreDetails?: boolean;
  /** Images each LLM call shows (0 or absent: text only); the loop refuses a text-only provider. */
  readonly imagesPerCall?: number;
  /** The next step, or null when the strategy is done. */
  ask(ctx: AskContext): Proposal | null;
  tell(outcome: StepOutcome): void;
}
