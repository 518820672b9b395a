import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ConfigError } from "@vlmopt/core";

/** The meta-prompt files shipped in `prompts/` (src/prompts in the source, dist/prompts when built). */
export const PROMPT_FILES = [
  "hill-climb-initial.txt",
  "hill-climb-initial-p.txt",
  "hill-climb-feedback.txt",
  "hill-climb-no-template.txt",
  "hill-climb-code.txt",
  "ape-generate.txt",
  "ape-variation.txt",
  "random-llm.txt",
  "opro.txt",
] as const;

export type PromptFile = (typeof PROMPT_FILES)[number];

// From src/prompt-files.ts, dist/index.js and dist/bench/*.js alike, one of these holds the files.
const CANDIDATE_DIRS = ["./prompts/", "../prompts/"];

/** Directory holding the meta-prompt files. */
export function promptsDir(): string {
  for (const rel of CANDIDATE_DIRS) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}${PROMPT_FILES[0]}`)) return dir;
  }
  throw new ConfigError(
    `meta-prompt files not found next to ${fileURLToPath(import.meta.url)} (looked in ${CANDIDATE_DIRS.join(", ")})`,
    { hint: "rebuild @vlmopt/search-strategies (its build copies src/prompts to dist/prompts)" },
  );
}

const cache = new Map<string, string>();

/**
 * The text of a meta-prompt file as sent: the file's content without its final newline (so a
 * file that must end in a newline, like hill-climb-code.txt, ends with an empty line).
 */
export function loadPrompt(name: PromptFile): string {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const text = readFileSync(`${promptsDir()}${name}`, "utf8").replace(/\r?\n$/, "");
  cache.set(name, text);
  return text;
}

/**
 * Fills `{{name}}` slots of a meta-prompt. The template placeholder `{}` is left alone. A slot
 * without a value, or a value without a slot, is a programming error and throws.
 */
export function renderPrompt(text: string, vars: Readonly<Record<string, string | number>>): string {
  const used = new Set<string>();
  const out = text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = vars[key];
    if (value === undefined) throw new Error(`meta-prompt slot {{${key}}} has no value`);
    used.add(key);
    return String(value);
  });
  for (const key of Object.keys(vars)) {
    if (!used.has(key)) throw new Error(`meta-prompt has no slot {{${key}}}`);
  }
  return out;
}

/** Loads and fills a meta-prompt file. */
export function prompt(name: PromptFile, vars: Readonly<Record<string, string | number>>): string {
  return renderPrompt(loadPrompt(name), vars);
}
