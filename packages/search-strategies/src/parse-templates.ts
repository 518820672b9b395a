import { MAX_TEMPLATE_LENGTH, normalizeTemplate, PLACEHOLDER, templateProblem } from "@vlmopt/core";

export interface ParseTemplatesOptions {
  /** True for templates scored earlier in the run (they are dropped). */
  alreadyScored?: (template: string) => boolean;
  /** Longest template accepted, in characters. Default core's MAX_TEMPLATE_LENGTH (300). */
  maxLength?: number;
  /** Keep at most this many templates (the first ones). Default unlimited. */
  limit?: number;
}

const BULLET = /^(?:[-*•]\s+|\d{1,3}[.)]\s+)/;

/**
 * Other spellings of the class placeholder that LLMs write, rewritten to `{}`: `[CLASS]`,
 * `<class>`, `{class}`, `{class name}`, `{classname}`, `{label}`, `{0}`, `{ }` (any case).
 */
const PLACEHOLDER_VARIANTS =
  /\[\s*class(?:[ _-]?name)?\s*\]|<\s*class(?:[ _-]?name)?\s*>|\{\s*(?:class(?:[ _-]?name)?|label|0)?\s*\}/gi;

const QUOTE_PAIRS: readonly [string, string][] = [
  ['"', '"'],
  ["'", "'"],
  ["`", "`"],
  ["“", "”"],
  ["‘", "’"],
  ["**", "**"],
  ["*", "*"],
  ["_", "_"],
];

function stripWrappers(text: string): string {
  let t = text.trim();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [open, close] of QUOTE_PAIRS) {
      if (t.length >= open.length + close.length + 1 && t.startsWith(open) && t.endsWith(close)) {
        t = t.slice(open.length, t.length - close.length).trim();
        changed = true;
      }
    }
  }
  return t;
}

/** Rewrites placeholder variants to `{}` (see PLACEHOLDER_VARIANTS). */
export function normalizePlaceholder(text: string): string {
  return text.replace(PLACEHOLDER_VARIANTS, PLACEHOLDER);
}

/** One line of a reply as a template candidate, or null when it is not one. */
function cleanLine(line: string, maxLength: number): string | null {
  const t = normalizePlaceholder(stripWrappers(line.replace(BULLET, "")));
  if (!t.includes(PLACEHOLDER)) return null;
  // Any other brace would break Python-style `format` in the paper's code and is almost surely junk.
  if (/[{}]/.test(t.split(PLACEHOLDER).join(""))) return null;
  if (t.length > maxLength) return null;
  if (templateProblem(t) !== null) return null;
  return t.replace(/\s+/g, " ");
}

/**
 * Turns LLM reply texts into candidate templates. Rules, applied to each text:
 * - if any line starts with a bullet ("- ", "* ", "• ") or a number ("1." / "1)"), only those
 *   lines count; otherwise every non-empty line does (a bare one-line reply works);
 * - the bullet, surrounding quotes, backticks and markdown emphasis are stripped;
 * - `[CLASS]`, `<class>`, `{class}`, `{0}` and similar are rewritten to `{}`;
 * - the result must contain `{}`, no other braces, no control characters, and be at most
 *   `maxLength` characters;
 * - duplicates (by core's normalizeTemplate key) within the reply and templates for which
 *   `alreadyScored` is true are dropped.
 * Never throws: a reply with nothing usable gives [].
 */
export function parseTemplates(
  texts: string | readonly string[],
  options: ParseTemplatesOptions = {},
): string[] {
  const maxLength = Math.min(options.maxLength ?? MAX_TEMPLATE_LENGTH, MAX_TEMPLATE_LENGTH);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const seen = new Set<string>();
  const out: string[] = [];
  for (const text of typeof texts === "string" ? [texts] : texts) {
    const lines = String(text ?? "")
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== "");
    const bulleted = lines.filter((l) => BULLET.test(l));
    for (const line of bulleted.length > 0 ? bulleted : lines) {
      if (out.length >= limit) return out;
      const t = cleanLine(line, maxLength);
      if (t === null) continue;
      const key = normalizeTemplate(t);
      if (seen.has(key) || options.alreadyScored?.(t)) continue;
      seen.add(key);
      out.push(t);
    }
  }
  return out;
}
