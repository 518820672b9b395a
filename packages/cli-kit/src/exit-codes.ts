/**
 * The exit codes of both vlmopt programs (`vlmopt`, `vlmopt-bench`): the same number means the
 * same thing in each.
 */
export const EXIT = {
  ok: 0,
  /** Something failed; the message says what and how to fix it. */
  error: 1,
  /** The command line could not be used (unknown command or option, bad value). */
  usage: 2,
  /** The budget ran out before the requested iterations (results are still written). */
  budget: 3,
  /** The LLM never produced a usable template (results are still written). */
  noUsableTemplate: 4,
  /** Ctrl-C: what was done is written; the same command (or `resume`) continues. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
