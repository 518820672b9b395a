import { candidateLabel } from "@vlmopt/core";
import { toCsv } from "./csv.js";
import type { BenchRecord, SuiteResults } from "./types.js";

/** A record's chosen candidates for a table cell: templates as they are, prompt sets as a summary. */
export function chosenText(r: Pick<BenchRecord, "templates" | "prompts">): string {
  return r.templates
    .map((t, i) => candidateLabel({ template: t, prompts: r.prompts?.[i] ?? null }))
    .join(" | ");
}

export const CSV_HEADER = [
  "suite",
  "dataset",
  "method",
  "method_label",
  "kind",
  "seed",
  "status",
  "reason",
  "stop",
  "test_accuracy",
  "train_accuracy",
  "val_accuracy",
  "llm_calls",
  "cost_usd",
  "evaluations",
  "templates",
  "clip_model",
  "clip_model_sha256",
  "llm",
  "warning",
] as const;

/** One line per run or baseline; every line names the model, its hash, the LLM and any warning. */
export function renderCsv(results: SuiteResults): string {
  const { identity } = results;
  const warning = [identity.meaningless, identity.llm.warning].filter(Boolean).join("; ");
  const rows = results.records.map((r) => [
    identity.suite,
    r.dataset,
    r.method,
    r.methodLabel,
    r.kind,
    r.seed,
    r.status,
    r.reason,
    r.stop,
    r.testAccuracy,
    r.trainAccuracy,
    r.valAccuracy,
    r.llmCalls,
    r.costUsd,
    r.evaluations,
    chosenText(r),
    identity.model.id,
    identity.model.hash,
    `${identity.llm.provider}:${identity.llm.modelId}`,
    warning,
  ]);
  for (const s of results.skippedDatasets) {
    rows.push([
      identity.suite,
      s.dataset,
      "",
      "",
      "",
      null,
      "skipped",
      s.reason,
      "",
      null,
      null,
      null,
      0,
      0,
      0,
      "",
      identity.model.id,
      identity.model.hash,
      `${identity.llm.provider}:${identity.llm.modelId}`,
      warning,
    ]);
  }
  return toCsv(CSV_HEADER, rows);
}
