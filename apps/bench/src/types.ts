import type { Budget } from "@vlmopt/core";

/** A strategy entry of a suite: the method's row in the table and how the registry builds it. */
export interface SuiteStrategy {
  /** Row id, e.g. "hill-climb-pn". */
  method: string;
  /** Row label, e.g. "Hill-climb (P+N)". */
  label: string;
  /** Registry strategy name. */
  strategy: string;
  params: Record<string, string | number | boolean>;
}

/** A zero-LLM baseline: one template or an ensemble, scored on the test split. */
export interface SuiteBaseline {
  method: string;
  label: string;
  /** Literal templates, or a named pool resolved per dataset. */
  templates: readonly string[] | { pool: "hand-engineered" | "imagenet80" | "basic" };
}

export interface SuiteSpec {
  name: string;
  description: string;
  datasets: readonly string[];
  strategies: readonly SuiteStrategy[];
  baselines: readonly SuiteBaseline[];
  seeds: readonly number[];
  shots: number;
  /** Budget applied to each run unless the command line sets one. */
  runBudget: Budget;
  /** Score baselines and chosen templates on at most this many test images (a class-balanced subset). */
  maxTestImages?: number;
  /**
   * A transfer suite: the grid runs on the source model (--model, default `defaultSource`), then its
   * chosen templates are scored on each target backbone (--targets, default `targets`).
   */
  transfer?: { defaultSource: string; targets: readonly string[] };
}

export type RecordStatus = "done" | "skipped" | "error";

/** One row of results.csv / results.json: a run (strategy × dataset × seed) or a baseline. */
export interface BenchRecord {
  dataset: string;
  method: string;
  methodLabel: string;
  kind: "strategy" | "baseline";
  /** null for baselines (they do not depend on the few-shot seed). */
  seed: number | null;
  status: RecordStatus;
  /** Why a record was skipped or failed. */
  reason?: string;
  /** How the run ended (completed, budget:maxLlmCalls, aborted, error). */
  stop?: string;
  /** True when the run was finished by an earlier invocation and not redone. */
  reused?: boolean;
  testAccuracy: number | null;
  trainAccuracy: number | null;
  valAccuracy: number | null;
  llmCalls: number;
  costUsd: number | null;
  evaluations: number;
  templates: string[];
  /** Per-class prompt sets of the chosen candidates (parallel to `templates`, null for a template); absent when none. */
  prompts?: (Readonly<Record<string, readonly string[]>> | null)[];
  /** Best train accuracy after each LLM call: [calls, accuracy] (the accuracy-vs-calls chart). */
  curve: [number, number][];
  runDir?: string;
}

/** Which CLIP model and LLM a suite used; shown in every output. */
export interface SuiteIdentity {
  suite: string;
  model: { spec: string; id: string; hash: string; warning?: string };
  llm: { spec: string; provider: string; modelId: string; warning?: string };
  /** Set when the model's accuracies mean nothing (random weights, tiny test models). */
  meaningless: string | null;
  shots: number;
  seeds: number[];
  /** The CLIP backbone declared with --backbone when the model id does not name it. */
  backbone?: string;
}

export interface SkippedDataset {
  dataset: string;
  reason: string;
}

/** Everything results.json holds. */
export interface SuiteResults {
  formatVersion: 1;
  createdAt: string;
  identity: SuiteIdentity;
  records: BenchRecord[];
  skippedDatasets: SkippedDataset[];
  budget: {
    perRunUsd: number | null;
    suiteUsd: number | null;
    maxCallsPerRun: number | null;
    spentUsd: number | null;
  };
  notes: string[];
}
