import { EXIT } from "@vlmopt/cli-kit";
import type { StopReason } from "@vlmopt/core";

// The exit codes of both apps (0 ok, 1 error, 2 usage, 3 budget, 4 no usable template, 130 Ctrl-C).
export { EXIT };

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
