import { dedupeTemplates, MAX_TEMPLATE_WORDS, PLACEHOLDER, templateProblem } from "@vlmopt/core";

const LIST_ITEM = /^\s*(?:[-*•]|\(?\d+[.):]|#\d+:?)\s+(.*)$/;
/** "text: <template>", "Input: <template>" — or the label alone, with the template on the next line. */
const LABELED = /^\s*(?:text|input|template)\s*:\s*(.*)$/i;
const QUOTED = /"([^"\n]*\{\}[^"\n]*)"|“([^”\n]*\{\}[^”\n]*)”|`([^`\n]*\{\}[^`\n]*)`/g;

/**
 * Words that mark a sentence of the meta-prompt's instructions rather than a template ("Write 5
 * different prompt templates … Each must contain {}", "Keep {} where the class name goes.").
 * Deliberately simple: a template that uses one of these words is skipped too.
 */
const INSTRUCTION =
  /\b(?:templates?|prompts?|repl(?:y|ies)|clip|must|each|keep|class names?|write|please|requirements?|words)\b/i;

/**
 * Longer candidates are prose, not templates: core's MAX_TEMPLATE_WORDS (40), the cap the reply
 * parser uses too. It was 20 here; one cap means every template the loop accepted and shows back
 * in a meta-prompt is read back by the simulated provider (a 21-40-word template the parser took
 * was invisible to it), and the instruction-word filter, not the length, is what drops prose.
 */
const MAX_WORDS = MAX_TEMPLATE_WORDS;

const NUMBER = String.raw`-?\d+(?:\.\d+)?`;
const LABEL = String.raw`(?:score|accuracy|acc|train|val|test)(?:\s+accuracy)?`;
const SCORE_PATTERNS = [
  // "(61.25%)", "(accuracy: 70.1)", "(score 0.8)"
  new RegExp(String.raw`\s*\(\s*(?:${LABEL}\s*[:=]?\s*)?${NUMBER}\s*%?\s*\)\s*$`, "i"),
  // ", score: 0.8", " accuracy 71%"
  new RegExp(String.raw`[\s,;]*\b${LABEL}\b\s*[:=]?\s*${NUMBER}\s*%?\s*$`, "i"),
  // "— 71%", "| 0.71", ": 70", " - 64.5"
  new RegExp(String.raw`\s*(?:[—–|:]|\s-)\s*${NUMBER}\s*%?\s*$`),
  // " 61.2%", " 0.71" (a bare integer is kept: "a photo of {} from 1990")
  new RegExp(String.raw`\s+${NUMBER}\s*%\s*$`),
  /\s+-?\d+\.\d+\s*$/,
  // a separator left behind: "template —"
  /\s*(?:[—–|,;:]|\s-)\s*$/,
];

/** Removes score annotations: "(10.00%)" anywhere, and trailing "— 71%", "score: 0.8", " 61.2%" … */
export function stripScores(text: string): string {
  let out = text.replace(new RegExp(String.raw`\s*\(\s*${NUMBER}\s*%\s*\)`, "g"), "");
  for (let before = ""; before !== out; ) {
    before = out;
    for (const pattern of SCORE_PATTERNS) out = out.replace(pattern, "");
  }
  return out.trim();
}

/** True for a sentence of instructions (see INSTRUCTION's words), not a template. */
export function isInstruction(text: string): boolean {
  return INSTRUCTION.test(text);
}

/**
 * The templates a meta-prompt shows, in order: quoted strings containing "{}"; list items
 * ("- ", "* ", "1. ", "1) "); OPRO's `text:` blocks and `Input:` lines; and bare lines (the
 * hill-climb-code prompt lists templates unmarked). Score annotations are stripped; candidates
 * that read as instructions (words such as "template", "prompt", "reply", "CLIP", "must",
 * "each", "keep", "class name"), still hold a "%", lack "{}" or exceed MAX_TEMPLATE_WORDS (40) words are dropped.
 * Returns [] when nothing is left (the caller falls back to defaults).
 */
export function extractTemplates(text: string): string[] {
  const found: string[] = [];
  let labelPending = false;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const afterLabel = labelPending;
    labelPending = false;
    if (afterLabel) {
      found.push(line);
      continue;
    }
    const quoted = [...line.matchAll(QUOTED)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
    if (quoted.length > 0) {
      found.push(...quoted);
      continue;
    }
    const labeled = LABELED.exec(line);
    if (labeled) {
      const rest = labeled[1] ?? "";
      if (rest.trim() === "") labelPending = true;
      else found.push(rest);
      continue;
    }
    if (!line.includes(PLACEHOLDER)) continue;
    found.push(LIST_ITEM.exec(line)?.[1] ?? line);
  }
  return dedupeTemplates(
    found
      .map(stripScores)
      .filter(
        (t) =>
          templateProblem(t) === null &&
          !t.includes("%") &&
          !isInstruction(t) &&
          t.split(/\s+/).length <= MAX_WORDS,
      ),
  );
}
