import { PLACEHOLDER } from "./template.js";

/**
 * A list marker at the start of a line: "- ", "* ", "• ", "– ", "1. ", "1) ", "(1) ", "**1.** ",
 * a keycap digit ("1️⃣") or one or more emoji used as bullets ("✅ ", "📷 ").
 */
export const BULLET =
  /^(?:[-*•·▪–]\s+|\(?\d{1,3}[.)]\s+|\*\*\d{1,3}[.)]\*\*\s+|\d\uFE0F?\u20E3\s*|(?:\p{Extended_Pictographic}[\uFE0F\u200D]*)+\s*)/u;

/**
 * Other spellings of the class placeholder that LLMs write, rewritten to `{}`: `[CLASS]`,
 * `<class>`, `{class}`, `{class name}`, `{classname}`, `{label}`, `{0}`, `{ }` (any case).
 */
const PLACEHOLDER_VARIANTS =
  /\[\s*class(?:[ _-]?name)?\s*\]|<\s*class(?:[ _-]?name)?\s*>|\{\s*(?:class(?:[ _-]?name)?|label|0)?\s*\}/gi;

/** Rewrites placeholder variants to `{}` (see PLACEHOLDER_VARIANTS). */
export function normalizePlaceholder(text: string): string {
  return text.replace(PLACEHOLDER_VARIANTS, PLACEHOLDER);
}

/** True when `text` has `{}` and at least one letter or digit outside it. */
export function hasTemplateText(text: string): boolean {
  return text.includes(PLACEHOLDER) && /[\p{L}\p{N}]/u.test(text.split(PLACEHOLDER).join(""));
}

const WRAPPERS: readonly [string, string][] = [
  ['"', '"'],
  ["'", "'"],
  ["`", "`"],
  ["“", "”"],
  ["‘", "’"],
  ["**", "**"],
  ["*", "*"],
  ["_", "_"],
];

/** Removes quotes, backticks and markdown emphasis around the whole text (repeatedly). */
function stripWrappers(text: string): string {
  let t = text.trim();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [open, close] of WRAPPERS) {
      if (t.length >= open.length + close.length + 1 && t.startsWith(open) && t.endsWith(close)) {
        t = t.slice(open.length, t.length - close.length).trim();
        changed = true;
      }
    }
  }
  return t;
}

/**
 * Quoted or emphasised parts of a line: "…", “…”, `…`, **…**, '…' and ‘…’ (single quotes only
 * at word boundaries, so "a {}'s nest" is no quote).
 */
const QUOTED: readonly RegExp[] = [
  /"([^"]+)"/g,
  /“([^”]+)”/g,
  /`([^`]+)`/g,
  /\*\*(.+?)\*\*/g,
  /(?<![\p{L}\p{N}}])'([^']+)'(?![\p{L}\p{N}])/gu,
  /‘([^’]+)’/g,
];

/** The first quoted part that holds a template (see hasTemplateText), or null. */
function quotedTemplate(text: string): string | null {
  let best: { index: number; inner: string } | null = null;
  for (const re of QUOTED) {
    for (const m of text.matchAll(re)) {
      const inner = (m[1] as string).trim();
      if (m[0].length === text.length || !hasTemplateText(inner)) continue;
      if (best === null || m.index < best.index) best = { index: m.index, inner };
    }
  }
  return best?.inner ?? null;
}

const SCORE_WORD = String.raw`(?:score|accuracy|acc\.?|est(?:imated)?\.?|expected|predicted)`;
const SCORE_VALUE = String.raw`[~≈]?\d+(?:\.\d+)?\s*%?`;

/**
 * Score annotations at the end of a line: "(61.25%)", "(score 0.8)", "[0.71]", "— 71%", "- 71%",
 * "→ 71%", "| 0.71", ": 71%", "score: 0.8", "Accuracy = 71%", a bare " 61.2%" (optionally followed
 * by a period). The keyword form goes first so "… Accuracy: 68%" loses the keyword too.
 */
const TRAILING_SCORE: readonly RegExp[] = [
  new RegExp(String.raw`[\s,;|]+${SCORE_WORD}\s*[:=]?\s*${SCORE_VALUE}\.?$`, "i"),
  new RegExp(String.raw`\s*[(\[]\s*(?:${SCORE_WORD}\s*[:=]?\s*)?${SCORE_VALUE}\s*[)\]]\.?$`, "i"),
  new RegExp(String.raw`(?:\s+-|\s*[—–→|])\s*(?:${SCORE_WORD}\s*[:=]?\s*)?${SCORE_VALUE}\.?$`, "i"),
  new RegExp(String.raw`(?:\s*:\s+${SCORE_VALUE}|:\s*\d+(?:\.\d+)?\s*%)\.?$`, "i"),
  /\s+[~≈]?\d+(?:\.\d+)?\s*%$/,
];

function stripTrailingScore(text: string): string {
  for (const re of TRAILING_SCORE) {
    const t = text.replace(re, "");
    if (t !== text) return t.trim();
  }
  return text;
}

/** Removes every trailing score annotation (see TRAILING_SCORE), repeatedly: "… (10.00%) (0.00%)". */
export function stripScores(text: string): string {
  let t = text.trim();
  for (let before = ""; before !== t; ) {
    before = t;
    t = stripTrailingScore(t);
  }
  return t;
}

/** "Here is a better prompt: …", "Template 2: …", "**New template:** …" — a label up to a colon. */
const PREAMBLE = /^(?:\*\*|__)?([^:{}"“”`\n]{1,80}?)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s+(.+)$/;
const MAX_PREAMBLE_WORDS = 8;

function stripPreamble(text: string): string {
  const m = PREAMBLE.exec(text);
  if (m === null) return text;
  const label = (m[1] as string).trim();
  const rest = (m[2] as string).trim();
  if (label.split(/\s+/).length > MAX_PREAMBLE_WORDS || !hasTemplateText(rest)) return text;
  return rest;
}

/**
 * The template candidate in one line of a reply: the list marker is removed, placeholder
 * variants become `{}`, then — until nothing changes — a quoted part holding a template is
 * preferred over the rest of the line, wrappers (quotes, backticks, emphasis) around the whole
 * text, trailing score annotations and a leading label ending in ":" are removed. Whitespace
 * runs are collapsed. No validation: see parseTemplates.
 */
export function templateFromLine(line: string): string {
  let t = normalizePlaceholder(line.trim().replace(BULLET, "")).trim();
  for (let before = ""; before !== t; ) {
    before = t;
    t = quotedTemplate(t) ?? t;
    t = stripWrappers(t);
    t = stripTrailingScore(t);
    t = stripPreamble(t);
  }
  return t.replace(/\s+/g, " ");
}
