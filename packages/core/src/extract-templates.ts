import { templateCandidate } from "./parse-templates.js";
import { dedupeTemplates } from "./template.js";

/** "text:" / "Input:" / "template:" alone on a line: the template is on the next line (OPRO). */
const LABEL_ALONE = /^\s*(?:text|input|template)\s*:\s*$/i;

/**
 * Words that mark a sentence of the meta-prompt's instructions rather than a template ("Write 5
 * different prompt templates … Each must contain {}", "Keep {} where the class name goes.").
 * Deliberately simple: a template that uses one of these words is skipped too.
 */
const INSTRUCTION =
  /\b(?:templates?|prompts?|repl(?:y|ies)|clip|must|each|keep|class names?|write|please|requirements?|words)\b/i;

/** True for a sentence of instructions (see INSTRUCTION's words), not a template. */
export function isInstruction(text: string): boolean {
  return INSTRUCTION.test(text);
}

/**
 * The templates a meta-prompt (a request, not a reply) shows, in order. Each line is read by the
 * reply parser's line reader (templateCandidate: list markers, quotes, trailing scores and a
 * leading "text:" / "Input:" label removed; at most MAX_TEMPLATE_WORDS words); a label alone on a
 * line takes the next line (OPRO's text:/score: blocks); bare lines count too (the hill-climb-code
 * prompt lists templates unmarked). Candidates that read as instructions (words such as
 * "template", "prompt", "reply", "CLIP", "must", "each", "keep", "class name") or still hold a "%"
 * are dropped. Returns [] when nothing is left (the caller falls back to defaults).
 */
export function extractTemplates(text: string): string[] {
  const found: string[] = [];
  for (const line of String(text ?? "").split(/\r?\n/)) {
    const t = shownTemplate(line);
    if (t !== null) found.push(t);
  }
  return dedupeTemplates(found);
}

/** The template one line of a meta-prompt shows (see extractTemplates), or null. */
export function shownTemplate(line: string): string | null {
  if (line.trim() === "" || LABEL_ALONE.test(line)) return null;
  const t = templateCandidate(line);
  return t !== null && !t.includes("%") && !isInstruction(t) ? t : null;
}
