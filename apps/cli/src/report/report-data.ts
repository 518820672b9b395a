import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  bottomK,
  ConfigError,
  JsonlRunStore,
  MANIFEST_FILE,
  type RunManifest,
  type RunResult,
  type ScoredTemplate,
  topK,
} from "@vlmopt/core";

/** One scored candidate on the chart: LLM calls made before it was scored, and its accuracy. */
export interface ChartPoint {
  calls: number;
  trainAccuracy: number;
  valAccuracy: number | null;
  /** Best train accuracy among all candidates so far (this one included). */
  bestSoFar: number;
  template: string;
  source: string;
}

export interface ReportData {
  runDir: string;
  manifest: RunManifest;
  /** Null when the run never finished (killed before writing results.json). */
  result: RunResult | null;
  history: ScoredTemplate[];
  top: ScoredTemplate[];
  bottom: ScoredTemplate[];
  points: ChartPoint[];
  totalCalls: number;
  /** Every "random weights" and test-double note; shown first in every report. */
  warnings: string[];
  finished: boolean;
}

/** Reads a run directory (manifest.json, events.jsonl, results.json) into what a report shows. */
export async function loadReportData(runDir: string): Promise<ReportData> {
  if (!existsSync(join(runDir, MANIFEST_FILE))) {
    throw new ConfigError(`${runDir} is not a run directory (no ${MANIFEST_FILE})`, {
      hint: "pass a directory made by `vlmopt optimize`, e.g. runs/eurosat-hill-climb-<time>",
    });
  }
  const store = new JsonlRunStore(runDir);
  const manifest = (await store.readManifest()) as RunManifest;
  const log = await store.readLog();
  const result = (await store.readJson("results")) as RunResult | null;

  const points: ChartPoint[] = [];
  const history: ScoredTemplate[] = [];
  const replies = new Set<number>();
  let best = Number.NEGATIVE_INFINITY;
  for (const e of log.events) {
    if (e.type === "llm-reply") replies.add(e.seq);
    if (e.type === "candidate-scored") {
      history.push(e.candidate);
      best = Math.max(best, e.candidate.trainAccuracy);
      points.push({
        calls: replies.size,
        trainAccuracy: e.candidate.trainAccuracy,
        valAccuracy: e.candidate.valAccuracy,
        bestSoFar: best,
        template: e.candidate.template,
        source: e.candidate.source,
      });
    }
  }
  const finalHistory = result?.history?.length ? result.history : history;
  const warnings = new Set<string>(result?.warnings ?? []);
  if (manifest.model.warning) warnings.add(`model ${manifest.model.id}: ${manifest.model.warning}`);
  if (manifest.llm.warning)
    warnings.add(`llm ${manifest.llm.provider}:${manifest.llm.modelId}: ${manifest.llm.warning}`);
  if (log.tornTail)
    warnings.add(`the event log's last line was cut off by a crash (${log.tornTail.bytes} bytes)`);
  return {
    runDir,
    manifest,
    result,
    history: finalHistory,
    top: topK(finalHistory, 10),
    bottom: bottomK(finalHistory, 10),
    points,
    totalCalls: replies.size,
    warnings: [...warnings],
    finished: result !== null && result.stop.kind !== "error",
  };
}

export function stopText(data: ReportData): string {
  const stop = data.result?.stop;
  if (!stop) return "not finished (no results.json: the run was stopped before it ended; `vlmopt resume` it)";
  switch (stop.kind) {
    case "completed":
      return "completed";
    case "budget":
      return `budget reached (${stop.limit})`;
    case "no-usable-template":
      return `no usable template: the LLM never produced one in ${stop.llmCalls} calls`;
    case "aborted":
      return "interrupted (resume with `vlmopt resume <run-dir>`)";
    case "error":
      return `error: ${stop.message}`;
  }
}
