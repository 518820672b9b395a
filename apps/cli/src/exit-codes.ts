import type { StopReason } from "@vlmopt/core";

export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  /** The budget ran out before the requested iterations (results are still written). */
  budget: 3,
  /** The LLM never produced a usable template (results are still written). */
  noUsableTemplate: 4,
  interrupted: 130,
} as const;

export function exitCodeOf(stop: StopReason): number {
  switch (stop.kind) {
    case "completed":
      return EXIT.ok;
    case "budget":
      return EXIT.budget;
    case "no-usable-template":
      return EXIT.noUsableTemplate;
    case "aborted":
      return EXIT.interrupted;
    case "error":
      return EXIT.error;
  }
}
