import {
  MAX_TEMPLATE_LENGTH,
  MAX_TEMPLATE_WORDS,
  normalizeTemplate,
  PLACEHOLDER,
  templateProblem,
} from "./template.js";
import { BULLET, templateFromLine } from "./template-line.js";

export interface ParseTemplatesOptions {
  /** True for templates scored earlier in the run (they are dropped). */
  alreadyScored?: (template: string) => boolean;
  /** Longest template accepted, in characters. Default core's MAX_TEMPLATE_LENGTH (300). */
  maxLength?: number;
  /** Most words (whitespace-separated) a template may have. Default MAX_TEMPLATE_WORDS (40). */
  maxWords?: number;
  /** Keep at most this many templates (the first ones). Default unlimited. */
  limit?: number;
}

/** OPRO's labels on a line of their own: "text:" (the template follows) and "score:". */
const TEXT_LABEL = /^(?:\*\*|__)?text\s*:\s*(?:\*\*|__)?$/i;
const INLINE_TEXT_LABEL = /^(?:\*\*|__)?text\s*:/i;

interface Line {
  text: string;
  /** A list item or OPRO "text:" entry — preferred over free-standing lines. */
  primary: boolean;
}

function splitLines(text: string): Line[] {
  const raw = String(text ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
  return raw.map((l, i) => ({
    text: l,
    primary: BULLET.test(l) || INLINE_TEXT_LABEL.test(l) || (i > 0 && TEXT_LABEL.test(raw[i - 1] as string)),
  }));
}

/** Lines longer than this are prose, not templates; skipping them bounds the regex work. */
const MAX_LINE_LENGTH = 2000;

/**
 * The template in one line (see templateFromLine), or null when the line holds none: it must
 * contain `{}`, no other braces, no control characters, and be at most `maxLength` characters and
 * `maxWords` words. The one line reader of replies (parseTemplates) and of prompts (extractTemplates).
 */
export function templateCandidate(
  line: string,
  maxLength: number = MAX_TEMPLATE_LENGTH,
  maxWords: number = MAX_TEMPLATE_WORDS,
): string | null {
  if (line.length > MAX_LINE_LENGTH) return null;
  const t = templateFromLine(line);
  if (!t.includes(PLACEHOLDER)) return null;
  // Any other brace would break Python-style `format` in the paper's code and is almost surely junk.
  if (/[{}]/.test(t.split(PLACEHOLDER).join(""))) return null;
  if (t.length > maxLength || t.split(" ").length > maxWords) return null;
  if (templateProblem(t) !== null) return null;
  return t;
}

/**
 * Turns LLM reply texts into candidate templates. Rules, applied to each text:
 * - if any list item ("- ", "* ", "• ", "1.", "1)", an emoji bullet) or OPRO entry ("text:" and
 *   the line after a bare "text:") holds a template, only those lines count; otherwise every
 *   non-empty line does (a bare one-line reply works);
 * - in each line: the list marker is removed; `[CLASS]`, `<class>`, `{class}`, `{0}` and similar
 *   become `{}`; a quoted / backticked / bold part holding a template is taken instead of the
 *   whole line; quotes, backticks and emphasis around the text, trailing score annotations
 *   ("(61.25%)", "— 71%", "score: 0.8", "[0.71]"…) and a leading label ending in ":" ("Here is a
 *   better prompt:", "Template 2:") are removed; whitespace runs are collapsed; a trailing
 *   period is kept;
 * - the result must contain `{}`, no other braces, no control characters, be at most
 *   `maxLength` characters and `maxWords` words;
 * - duplicates (by core's normalizeTemplate key) within the reply and templates for which
 *   `alreadyScored` is true are dropped.
 * Never throws: a reply with nothing usable gives [].
 */
export function parseTemplates(
  texts: string | readonly string[],
  options: ParseTemplatesOptions = {},
): string[] {
  const maxLength = Math.min(options.maxLength ?? MAX_TEMPLATE_LENGTH, MAX_TEMPLATE_LENGTH);
  const maxWords = options.maxWords ?? MAX_TEMPLATE_WORDS;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const seen = new Set<string>();
  const out: string[] = [];
  for (const text of typeof texts === "string" ? [texts] : texts) {
    const found = splitLines(text).map((l) => ({
      ...l,
      template: templateCandidate(l.text, maxLength, maxWords),
    }));
    const usePrimary = found.some((l) => l.primary && l.template !== null);
    for (const { template, primary } of found) {
      if (out.length >= limit) return out;
      if (template === null || (usePrimary && !primary)) continue;
      const key = normalizeTemplate(template);
      if (seen.has(key) || options.alreadyScored?.(template)) continue;
      seen.add(key);
      out.push(template);
    }
  }
  return out;
}
