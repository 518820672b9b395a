import { JsonlRunStore, type RunEvent, type RunResult } from "@vlmopt/core";

/** What a run directory holds before a suite (re)starts it. */
export type RunState =
  | { kind: "fresh" }
  /** Finished earlier: results.json says completed or budget. Not redone. */
  | { kind: "finished"; result: RunResult; events: RunEvent[] }
  /** Started but not finished (killed, aborted or failed): optimize() resumes it from its log. */
  | { kind: "partial"; spentUsd: number };

/** A run that ended by itself (not killed, aborted or failed): re-running it would change nothing. */
export function runFinished(result: RunResult): boolean {
  const { kind } = result.stop;
  return kind === "completed" || kind === "budget" || kind === "no-usable-template";
}

/** Reads a run directory: finished runs are skipped by the suite, partial ones resumed. */
export async function readRunState(dir: string): Promise<RunState> {
  const store = new JsonlRunStore(dir);
  try {
    const result = (await store.readJson("results")) as RunResult | null;
    const log = await store.readLog();
    if (result && runFinished(result)) {
      return { kind: "finished", result, events: log.events };
    }
    if (log.events.length === 0 && result === null) return { kind: "fresh" };
    return { kind: "partial", spentUsd: spentInLog(log.events) };
  } finally {
    store.close();
  }
}

/** USD paid for the LLM replies recorded in a log (cached replies cost nothing). */
export function spentInLog(events: readonly RunEvent[]): number {
  let usd = 0;
  for (const e of events) if (e.type === "llm-reply" && !e.cached) usd += e.usage.costUsd ?? 0;
  return usd;
}

/** Best train accuracy after each LLM call, from a run's event log: [calls so far, best] (core's reader). */
export { bestTrainCurve as curveFromEvents } from "@vlmopt/core";
