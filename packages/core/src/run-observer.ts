import type { BudgetUsage } from "./budget.js";
import type { LlmRequest, LlmRetryInfo, LlmUsage } from "./llm-provider.js";
import type { StopReason } from "./run-events.js";
import type { ScoredTemplate } from "./search-strategy.js";

/**
 * Hooks on the optimization loop. Every hook is optional; progress bars, loggers and reports
 * subscribe to the same loop. `replayed` is true while a resumed run re-plays its log.
 */
export interface RunObserver {
  onRunStart?(info: { runId: string; resumed: boolean }): void;
  onFeatureProgress?(info: {
    split: string;
    done: number;
    total: number;
    cached: number;
    elapsedMs: number;
  }): void;
  onStepStart?(info: { step: number; label?: string; replayed: boolean }): void;
  onLlmRequest?(info: {
    step: number;
    seq: number;
    attempt: number;
    request: LlmRequest;
    replayed: boolean;
  }): void;
  /** A failed attempt of a live call is about to be retried (never while replaying a log). */
  onLlmRetry?(info: LlmRetryInfo & { step: number; seq: number }): void;
  onLlmReply?(info: {
    step: number;
    seq: number;
    texts: readonly string[];
    usage: LlmUsage;
    cached: boolean;
    replayed: boolean;
  }): void;
  onCandidateScored?(info: { candidate: ScoredTemplate; best: ScoredTemplate; replayed: boolean }): void;
  onCandidateRejected?(info: { step: number; template: string; reason: string }): void;
  onStepEnd?(info: {
    step: number;
    failed: boolean;
    best: ScoredTemplate | null;
    usage: BudgetUsage;
    replayed: boolean;
  }): void;
  onWarning?(message: string): void;
  onRunEnd?(info: { stop: StopReason; best: ScoredTemplate | null; usage: BudgetUsage }): void;
}

/** Calls a hook on every observer; an observer that throws is reported, not fatal. */
export function notify<K extends keyof RunObserver>(
  observers: readonly RunObserver[],
  hook: K,
  info: Parameters<NonNullable<RunObserver[K]>>[0],
): void {
  for (const o of observers) {
    const fn = o[hook] as ((arg: unknown) => void) | undefined;
    if (!fn) continue;
    try {
      fn.call(o, info);
    } catch (error) {
      if (hook !== "onWarning")
        notify(observers, "onWarning", `observer ${String(hook)} threw: ${String(error)}`);
    }
  }
}
