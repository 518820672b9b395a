import type { BudgetLimit } from "./errors.js";
import type { LlmRequest, LlmUsage } from "./llm-provider.js";
import type { ScoredTemplate } from "./search-strategy.js";

/** Why a run ended. */
export type StopReason =
  | { kind: "completed" }
  | { kind: "budget"; limit: BudgetLimit }
  /** The strategy finished, but no reply of its `llmCalls` LLM calls gave a template that was scored. */
  | { kind: "no-usable-template"; llmCalls: number }
  | { kind: "aborted" }
  | { kind: "error"; message: string };

/**
 * Events of a run, appended to the run store before they are acted on. `seq` numbers LLM calls
 * within a run (0-based); replaying a log re-serves call `seq` without calling the LLM.
 */
export type RunEvent =
  | { type: "run-start"; time: string; resumed: boolean }
  | { type: "step-start"; time: string; step: number; label?: string }
  | {
      type: "llm-request";
      time: string;
      step: number;
      seq: number;
      attempt: number;
      requestHash: string;
      request: LlmRequest;
    }
  | {
      type: "llm-reply";
      time: string;
      step: number;
      seq: number;
      texts: string[];
      usage: LlmUsage;
      cached: boolean;
      durationMs: number;
    }
  | {
      /**
       * The templates parsed from reply `seq` (before de-duplication and validation). `retry` is
       * set when none of them was new and the strategy asks again: why. Logs written before this
       * event existed lack it; readers must not require it.
       */
      type: "llm-parsed";
      time: string;
      step: number;
      seq: number;
      templates: string[];
      retry?: string;
    }
  /**
   * The training images shown with call `seq` (logged before its llm-request), by path, caption
   * and sha256 of the bytes sent; a resumed run shows these again.
   */
  | {
      type: "llm-images";
      time: string;
      step: number;
      seq: number;
      images: { path: string; label: string; sha256: string }[];
    }
  | { type: "llm-error"; time: string; step: number; seq: number; message: string; retryable: boolean }
  /**
   * An attempt of call `seq` failed and is retried after `delayMs` (attempt `retry + 1` of
   * `maxRetries + 1`). For the reader only: replaying a log ignores it.
   */
  | {
      type: "llm-retry";
      time: string;
      step: number;
      seq: number;
      retry: number;
      maxRetries: number;
      delayMs: number;
      reason: string;
      status?: number;
    }
  | { type: "candidate-scored"; time: string; step: number; candidate: ScoredTemplate }
  | { type: "candidate-rejected"; time: string; step: number; template: string; reason: string }
  | { type: "step-end"; time: string; step: number; failed: boolean; bestTrainAccuracy: number | null }
  | { type: "run-end"; time: string; stop: StopReason };

export type RunEventType = RunEvent["type"];
