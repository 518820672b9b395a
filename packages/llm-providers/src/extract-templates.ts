import { dedupeTemplates, PLACEHOLDER, templateProblem } from "@vlmopt/core";

const LIST_MARKER = /^\s*(?:[-*•]|\(?\d+[.):]|#\d+:?)\s+/;
const QUOTED = /"([^"\n]*\{\}[^"\n]*)"|“([^”\n]*\{\}[^”\n]*)”|`([^`\n]*\{\}[^`\n]*)`/g;

/**
 * The templates a meta-prompt shows: every quoted string containing "{}" and, on lines without
 * quotes, the text of a line containing "{}" (list markers and trailing scores removed).
 */
export function extractTemplates(text: string): string[] {
  const found: string[] = [];
  for (const line of text.split("\n")) {
    if (!line.includes(PLACEHOLDER)) continue;
    const quoted = [...line.matchAll(QUOTED)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
    if (quoted.length > 0) {
      found.push(...quoted);
      continue;
    }
    let t = line.replace(LIST_MARKER, "");
    // "template — score 71.2%", "template | 0.71", "template (accuracy: 0.71)", "template, score: 71"
    t = t.replace(/\s*(?:[—|\t]|\s-\s|,?\s*\(?\b(?:score|accuracy|acc|train|val)\b).*$/i, "");
    t = t.replace(/\s+\d+(?:\.\d+)?%?\s*$/, "").trim();
    found.push(t);
  }
  return dedupeTemplates(found.map((t) => t.trim()).filter((t) => templateProblem(t) === null));
}
