import {
  type Candidate,
  type ClassPrompts,
  PROMPT_SET_KEY_PREFIX,
  promptSet,
  promptSetKey,
} from "./prompt-set.js";

/** Longest example text a summary quotes before cutting it with "…". */
export const SUMMARY_EXAMPLE_CHARS = 60;

/** True for the key a prompt set goes by (`promptSetKey`), as logs and reports hold it. */
export function isPromptSetKey(text: string): boolean {
  return text.startsWith(PROMPT_SET_KEY_PREFIX);
}

/** `descriptions#<12 hex>` of a prompt set's key (the part that names it, without the counts). */
export function promptSetId(key: string): string {
  return key.split(" ")[0] as string;
}

/**
 * One line that stands for a per-class prompt set in a table:
 * `prompt set: 10 classes × 4 texts, e.g. “Forest, which has tall trees.” (descriptions#ab12…)`.
 * When classes have different numbers of texts: `10 classes × 1–3 texts (16 in all)`. The
 * example is the first class's first text, cut at `SUMMARY_EXAMPLE_CHARS`. `key` defaults to
 * the set's own `promptSetKey`.
 */
export function promptSetSummary(prompts: ClassPrompts, key = promptSetKey(promptSet(prompts))): string {
  const lists = Object.values(prompts);
  const counts = lists.map((t) => t.length);
  const total = counts.reduce((a, b) => a + b, 0);
  const lo = Math.min(...counts);
  const hi = Math.max(...counts);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "es"}`;
  const per =
    lo === hi
      ? `${lo} text${lo === 1 ? "" : "s"}`
      : `${lo}–${hi} texts (${total.toLocaleString("en-US")} in all)`;
  const first = lists[0]?.[0];
  const example =
    first === undefined
      ? ""
      : `, e.g. “${first.length > SUMMARY_EXAMPLE_CHARS ? `${first.slice(0, SUMMARY_EXAMPLE_CHARS - 1)}…` : first}”`;
  return `prompt set: ${plural(lists.length, "class")} × ${per}${example} (${promptSetId(key)})`;
}

/**
 * What a table shows for a scored candidate or a chosen one: the template itself, or a
 * prompt set's one-line summary when its texts are known (else its key).
 */
export function candidateLabel(candidate: { template: string; prompts?: ClassPrompts | null }): string {
  return candidate.prompts ? promptSetSummary(candidate.prompts, candidate.template) : candidate.template;
}

/** `candidateLabel` of a candidate itself: the template, or the prompt set's summary. */
export function candidateSummary(candidate: Candidate): string {
  return typeof candidate === "string" ? candidate : promptSetSummary(candidate.prompts);
}
