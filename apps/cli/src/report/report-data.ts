import {
  bottomK,
  candidateLabel,
  modelWarningLine,
  type RunManifest,
  type RunResult,
  type ScoredTemplate,
  topK,
} from "@vlmopt/core";
import { stopReasonText } from "../run-view/build-run-view.js";
import { readRunInput } from "../run-view/read-run-input.js";
import type { RunInput } from "../run-view/run-input.js";

/** One scored candidate on the chart: LLM calls made before it was scored, and its accuracy. */
export interface ChartPoint {
  calls: number;
  trainAccuracy: number;
  valAccuracy: number | null;
  /** Best train accuracy among all candidates so far (this one included). */
  bestSoFar: number;
  /** What is shown for it: the template, or a prompt set's summary. */
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
  return reportDataOf(runDir, await readRunInput(runDir));
}

/** What the Markdown report shows, from a run's files. */
export function reportDataOf(runDir: string, input: RunInput): ReportData {
  const { manifest, result } = input;
  const log = { events: input.events };

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
        template: candidateLabel(e.candidate),
        source: e.candidate.source,
      });
    }
  }
  const finalHistory = result?.history?.length ? result.history : history;
  const warnings = new Set<string>(result?.warnings ?? []);
  if (manifest.model.warning) warnings.add(modelWarningLine(manifest.model.id, manifest.model.warning));
  if (manifest.llm.warning)
    warnings.add(`llm ${manifest.llm.provider}:${manifest.llm.modelId}: ${manifest.llm.warning}`);
  if (input.tornTailBytes)
    warnings.add(`the event log's last line was cut off by a crash (${input.tornTailBytes} bytes)`);
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
  return stopReasonText(data.result?.stop ?? undefined);
}
