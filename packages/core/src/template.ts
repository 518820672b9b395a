import { ConfigError } from "./errors.js";

/** The placeholder a template uses for the class name. */
export const PLACEHOLDER = "{}";
/** Longest template accepted, in characters (CLIP reads at most 77 tokens anyway). */
export const MAX_TEMPLATE_LENGTH = 300;

/**
 * Most words a template may have, for every reader of templates in text (an LLM's reply, the
 * templates a meta-prompt shows). CLIP reads at most 77 tokens; a longer "template" is almost
 * surely a paragraph of explanation that happens to contain `{}`.
 */
export const MAX_TEMPLATE_WORDS = 40;

export type TemplateProblem = "not-a-string" | "empty" | "no-placeholder" | "too-long" | "control-characters";

/** Why a template is invalid, or null when it is fine. */
export function templateProblem(template: unknown): TemplateProblem | null {
  if (typeof template !== "string") return "not-a-string";
  if (template.trim() === "") return "empty";
  if (!template.includes(PLACEHOLDER)) return "no-placeholder";
  if (template.length > MAX_TEMPLATE_LENGTH) return "too-long";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(template)) return "control-characters";
  return null;
}

const problemText: Record<TemplateProblem, string> = {
  "not-a-string": "is not a string",
  empty: "is empty",
  "no-placeholder": `has no "{}" placeholder for the class name`,
  "too-long": `is longer than ${MAX_TEMPLATE_LENGTH} characters`,
  "control-characters": "contains control characters",
};

/**
 * Throws a ConfigError naming the template and what is wrong. `where` says where it came from
 * (e.g. `--template` or a file path).
 */
export function validateTemplate(template: unknown, where = "template"): string {
  const problem = templateProblem(template);
  if (problem === null) return template as string;
  const shown = typeof template === "string" ? JSON.stringify(template) : String(template);
  throw new ConfigError(`${where} ${shown} ${problemText[problem]}`, {
    hint: `write the class name as {}, e.g. "a photo of a {}."`,
  });
}

/** CoOp's convention: underscores in class names become spaces in prompts. */
export function promptClassName(className: string): string {
  return className.replace(/_/g, " ");
}

/** Replaces every `{}` with the class name (underscores → spaces). */
export function fillTemplate(template: string, className: string): string {
  return template.split(PLACEHOLDER).join(promptClassName(className));
}

/**
 * The de-duplication key of a template: Unicode NFC, trimmed, whitespace runs collapsed and
 * lower-cased — the CLIP tokenizer lower-cases and collapses whitespace too, so templates with
 * the same key produce the same text embedding.
 */
export function normalizeTemplate(template: string): string {
  return template.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase();
}

/** Keeps the first of each group of templates with the same normalised key. */
export function dedupeTemplates(templates: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of templates) {
    const key = normalizeTemplate(t);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t);
  }
  return out;
}
