import { promptClassName } from "@vlmopt/core";

/**
 * The reply protocol every description strategy asks for and the simulated provider answers:
 * one section per class, a line "### <class name>" followed by its descriptions, one per line
 * starting with "- ". The classes a request wants are listed after a line "Classes:".
 */
export const SECTION_INSTRUCTION =
  'Answer with one section per class: a line "### <class name>" followed by its descriptions, one per line starting with "- ".';

/** The "Classes:" block of a request (class names as shown in prompts: underscores → spaces). */
export function classesBlock(classNames: readonly string[]): string {
  return `Classes:\n${classNames.map((c) => `### ${promptClassName(c)}`).join("\n")}`;
}

const keyOf = (name: string) => promptClassName(name).toLowerCase().replace(/\s+/g, " ").trim();

/**
 * Descriptions per class from a reply in the section protocol. Headers are matched to `classNames`
 * ignoring case, underscores and spacing; sections for other names are dropped, and so are empty
 * and over-long lines (at most `limit` per class, repeats removed).
 */
export function parseClassDescriptions(
  text: string,
  classNames: readonly string[],
  limit = Number.POSITIVE_INFINITY,
): Map<string, string[]> {
  const byKey = new Map(classNames.map((c) => [keyOf(c), c]));
  const out = new Map<string, string[]>();
  let current: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^#{2,4}\s*(.+?)\s*:?$/.exec(line);
    if (header) {
      current = byKey.get(keyOf((header[1] as string).replace(/\*\*/g, ""))) ?? null;
      continue;
    }
    const item = /^(?:[-*•]|\d+[.)])\s+(.+)$/.exec(line);
    if (!item || current === null) continue;
    const description = (item[1] as string).trim().replace(/\s+/g, " ");
    if (description.length < 2 || description.length > 200) continue;
    const list = out.get(current) ?? [];
    if (list.length < limit && !list.some((d) => d.toLowerCase() === description.toLowerCase()))
      list.push(description);
    out.set(current, list);
  }
  return out;
}

/**
 * DCLIP's descriptor sentence: "which is ..." for descriptors starting with an article or "used",
 * "which ..." for ones starting with has/often/typically/may/can, else "which has ..." — as
 * `make_descriptor_sentence` in https://github.com/ExplainableML/WaffleCLIP/blob/main/waffle_tools.py
 * (WaffleCLIP's copy of DCLIP's https://github.com/sachit-menon/classify_by_description_release).
 */
export function descriptorSentence(descriptor: string): string {
  const d = descriptor.trim().replace(/[.]+$/, "");
  if (/^(a|an)\b/i.test(d) || /^used\b/i.test(d)) return `which is ${d}`;
  if (/^(has|often|typically|may|can)\b/i.test(d)) return `which ${d}`;
  return `which has ${d}`;
}

/** "<before><class>, which has <descriptor>." — DCLIP's structured prompt (WaffleCLIP's `structured_descriptor_builder`). */
export function dclipText(className: string, descriptor: string, before = ""): string {
  return `${before}${promptClassName(className)}, ${descriptorSentence(descriptor)}.`;
}
