import type { ScoredTemplate } from "@vlmopt/core";

/**
 * Everything the run page shows, as plain JSON: built on the server (from a run directory or,
 * later, another store) and rendered by the same Preact components into report.html and the UI.
 * Numbers stay raw (fractions, USD, ms); the components format them.
 */
export interface RunView {
  /** The run's id within its source (a path relative to the runs folder, "/"-separated). */
  id: string;
  runId: string;
  status: RunStatus;
  warnings: string[];
  /** Key facts as label/value rows. */
  summary: [string, string][];
  /** Strategy parameters, budget, seed and app options, one row each. */
  params: [string, string][];
  chosen: ChosenView | null;
  baselines: BaselineView[];
  chart: ChartView;
  turns: TurnView[];
  perClass: { name: string; accuracy: number | null }[] | null;
  confused: { actual: string; predicted: string; count: number; share: number }[];
  cost: CostView;
  transfers: TransferView[];
  /** Best by train accuracy (at most 10), without texts or details: `label` stands for a prompt set. */
  top: RankedView[];
  bottom: RankedView[];
}

/** A ranked candidate as the tables show it: `template` is its key, `label` what is shown. */
export type RankedView = Omit<ScoredTemplate, "prompts" | "details"> & { label: string };

/** One class of a chosen prompt set: its texts and, where measured, its accuracy. */
export interface PromptSetClassView {
  name: string;
  texts: string[];
  /** Train accuracy of this class with this set (from the score details; null when not recorded). */
  trainAccuracy: number | null;
  /** Test accuracy of this class with the chosen candidate (null when test was not scored). */
  testAccuracy: number | null;
}

/** A chosen per-class prompt set in full, class by class (dataset order). */
export interface PromptSetView {
  key: string;
  /** One line: classes × texts and an example (`promptSetSummary`). */
  summary: string;
  classes: PromptSetClassView[];
}

export interface RunStatus {
  state: "running" | "finished" | "stopped" | "error";
  /** One line for the reader, e.g. "budget reached (maxLlmCalls)". */
  text: string;
  /** ISO time of the last event. */
  updatedAt: string | null;
}

export interface ChosenView {
  /** The chosen templates; a prompt set by its key. */
  templates: string[];
  /** What is shown for each: the template, or a prompt set's summary. */
  labels: string[];
  /** The chosen prompt sets in full (none when only templates were chosen). */
  promptSets: PromptSetView[];
  ensemble: boolean;
  trainAccuracy: number;
  valAccuracy: number | null;
  testAccuracy: number | null;
  /** Where it came from, e.g. "the pool (step 0)" or "the LLM at step 3 (LLM call 4)". */
  origin: string;
}

export interface BaselineView {
  label: string;
  template: string;
  /** What is shown for `template`: itself, or a prompt set's summary. */
  templateLabel: string;
  trainAccuracy: number | null;
  valAccuracy: number | null;
  testAccuracy: number | null;
}

export interface ChartPointView {
  /** LLM replies received before this candidate was scored. */
  calls: number;
  train: number;
  val: number | null;
  step: number;
  source: string;
  template: string;
  /** What is shown for it: the template, or a prompt set's summary. */
  label: string;
}

export interface ChartView {
  /** Templates that came with no LLM call (the pool, user templates), drawn in their own panel. */
  pool: ChartPointView[];
  /** Templates proposed by the LLM. */
  proposals: ChartPointView[];
  /** Best train accuracy so far: [LLM calls, accuracy] after each scored candidate. */
  bestTrain: [number, number][];
  /** Val accuracy of the best-by-train template so far, at the same points. */
  bestVal: [number, number][];
  /** The chosen template's test accuracy, drawn at the last call. */
  test: { calls: number; accuracy: number } | null;
  totalCalls: number;
}

export interface ParsedView {
  template: string;
  /** What is shown for it: the template, or a prompt set's summary (its key when never scored). */
  label: string;
  trainAccuracy: number | null;
  valAccuracy: number | null;
  /** It raised the best train accuracy of the run when it was scored. */
  newBest: boolean;
  /** Why it was not scored (a duplicate, invalid, the budget); absent when scored. */
  note?: string;
}

export interface TurnView {
  seq: number;
  step: number;
  attempt: number;
  time: string;
  system: string | null;
  messages: { role: string; content: string }[];
  replies: string[];
  parsed: ParsedView[];
  /** Why this reply was followed by another call of the same step. */
  retry: string | null;
  error: string | null;
  usage: { inputTokens: number; outputTokens: number; costUsd: number | null } | null;
  cached: boolean;
  durationMs: number | null;
}

export interface CostView {
  llmCalls: number;
  cachedCalls: number;
  inputTokens: number;
  outputTokens: number;
  llmUsd: number | null;
  /** 0 for a local CLIP (no per-call price); an embedding API's cost, null when its price is unknown. */
  embeddingUsd: number | null;
  embeddingNote: string;
  evaluations: number;
  /** Time spent running, summed over sessions (a resumed run has several). */
  wallMs: number | null;
  sessions: number;
  stop: string;
}

export interface TransferView {
  file: string;
  model: string;
  warning: string | null;
  templates: number;
  best: { template: string; label: string; trainAccuracy: number; valAccuracy: number | null } | null;
  chosen: { trainAccuracy: number; valAccuracy: number | null; testAccuracy: number | null } | null;
}

/** One line of the run list. */
export interface RunSummary {
  id: string;
  runId: string;
  dataset: string;
  seed: number | null;
  strategy: string;
  llm: string;
  model: string;
  status: RunStatus;
  llmCalls: number;
  scored: number;
  bestTrain: number | null;
  chosenTest: number | null;
  /** Best train accuracy so far against LLM calls (the compare page overlays these). */
  curve: [number, number][];
}

export function summaryOf(view: RunView, facts: { dataset: string; seed: number | null }): RunSummary {
  const { chart } = view;
  return {
    id: view.id,
    runId: view.runId,
    dataset: facts.dataset,
    seed: facts.seed,
    strategy: view.summary.find(([k]) => k === "Strategy")?.[1] ?? "",
    llm: view.summary.find(([k]) => k === "LLM")?.[1] ?? "",
    model: view.summary.find(([k]) => k === "CLIP model")?.[1] ?? "",
    status: view.status,
    llmCalls: chart.totalCalls,
    scored: chart.pool.length + chart.proposals.length,
    bestTrain: chart.bestTrain.at(-1)?.[1] ?? null,
    chosenTest: view.chosen?.testAccuracy ?? null,
    curve: chart.bestTrain,
  };
}
