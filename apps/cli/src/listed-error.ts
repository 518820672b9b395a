import { VlmoptError } from "@vlmopt/core";

/**
 * An error the CLI prints as one line (what, and how to fix it) followed by indented detail lines
 * (e.g. the first problems of a dataset). `kind` is the wrapped error's.
 */
export class ListedError extends VlmoptError {
  readonly details: readonly string[];

  constructor(line: string, details: readonly string[], kind: string, cause?: unknown) {
    super(line, cause === undefined ? {} : { cause }, kind);
    this.name = "ListedError";
    this.details = details;
  }
}
