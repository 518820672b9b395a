import { ConfigError } from "./errors.js";
import { canonicalJson, sha256Hex } from "./hashing.js";
import { fillTemplate, MAX_TEMPLATE_LENGTH, normalizeTemplate, templateProblem } from "./template.js";

/**
 * Class-specific prompts: class name → the texts that stand for it (whole prompts with the class
 * name already written in, e.g. "a photo of a Forest, which has tall trees."). Keyed by the
 * dataset's class names, never by position, so a file whose keys are in another order still
 * scores every text against the right class.
 */
export type ClassPrompts = Readonly<Record<string, readonly string[]>>;

/**
 * A per-class prompt set: the candidate kind of CuPL, DCLIP, WaffleCLIP and ProAPO's description
 * stage. A class embedding is the normalised mean of its texts' normalised embeddings.
 */
export interface PromptSet {
  readonly kind: "prompt-set";
  readonly prompts: ClassPrompts;
}

/**
 * What a strategy proposes and the loop scores: a template shared by all classes ("a photo of a
 * {}.") or a per-class prompt set. A template is the special case with one text per class
 * (`templatePromptSet`), and both score the same way.
 */
export type Candidate = string | PromptSet;

/** The prefix of a prompt set's key, the string that stands for it in logs and reports. */
export const PROMPT_SET_KEY_PREFIX = "descriptions#";

export function isPromptSet(value: unknown): value is PromptSet {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { kind?: unknown }).kind === "prompt-set" &&
    typeof (value as { prompts?: unknown }).prompts === "object" &&
    (value as { prompts?: unknown }).prompts !== null
  );
}

export function promptSet(prompts: ClassPrompts): PromptSet {
  return { kind: "prompt-set", prompts };
}

/** A template as a prompt set: one filled text per class (class names in dataset order). */
export function templatePromptSet(template: string, classNames: readonly string[]): PromptSet {
  const prompts: Record<string, string[]> = {};
  for (const name of classNames) prompts[name] = [fillTemplate(template, name)];
  return promptSet(prompts);
}

/** Number of texts in a prompt set (what scoring it costs in text-encoder inputs). */
export function promptSetTextCount(set: PromptSet): number {
  let n = 0;
  for (const texts of Object.values(set.prompts)) n += texts.length;
  return n;
}

/**
 * The string a prompt set goes by in the run log, reports and de-duplication:
 * `descriptions#<12 hex> (C classes, N texts)`. The hash covers every class's texts after
 * `normalizeTemplate` (the CLIP tokenizer lower-cases and collapses whitespace), so sets that
 * embed identically share a key; class order does not matter (keys are sorted).
 */
export function promptSetKey(set: PromptSet): string {
  const normalized: Record<string, string[]> = {};
  for (const [name, texts] of Object.entries(set.prompts)) normalized[name] = texts.map(normalizeTemplate);
  const hash = sha256Hex(canonicalJson(normalized)).slice(0, 12);
  const classes = Object.keys(set.prompts).length;
  return `${PROMPT_SET_KEY_PREFIX}${hash} (${classes} classes, ${promptSetTextCount(set)} texts)`;
}

/** The de-duplication key of either kind: `normalizeTemplate` of a template, `promptSetKey` of a set. */
export function candidateKey(candidate: Candidate): string {
  return typeof candidate === "string" ? normalizeTemplate(candidate) : promptSetKey(candidate);
}

/** The text shown for a candidate: the template itself, or the prompt set's key. */
export function candidateText(candidate: Candidate): string {
  return typeof candidate === "string" ? candidate : promptSetKey(candidate);
}

/**
 * Why a candidate cannot be scored, or null. Templates: `templateProblem`. Prompt sets: a class
 * without texts, or a text that is empty, too long or has control characters.
 */
export function candidateProblem(candidate: unknown): string | null {
  if (typeof candidate === "string") return templateProblem(candidate);
  if (!isPromptSet(candidate)) return "not-a-candidate";
  const entries = Object.entries(candidate.prompts);
  if (entries.length === 0) return "no-classes";
  for (const [, texts] of entries) {
    if (!Array.isArray(texts) || texts.length === 0) return "class-without-texts";
    for (const t of texts) {
      if (typeof t !== "string" || t.trim() === "") return "empty-text";
      if (t.length > MAX_TEMPLATE_LENGTH) return "text-too-long";
      // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
      if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(t)) return "control-characters";
    }
  }
  return null;
}

/** Levenshtein distance (small strings: class names). */
function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] as number;
}

/** How a prompt set's class names differ from the dataset's (all lists empty when they match). */
export interface ClassNameMismatch {
  /** Dataset classes with no entry. */
  missing: string[];
  /** Entries that are not dataset classes (and not an obvious misspelling of one). */
  extra: string[];
  /** Entries that look like a misspelling of a missing class: [given, meant]. */
  misspelt: [given: string, meant: string][];
}

/** Compares keys with class names; an extra key close to a missing class counts as a misspelling. */
export function classNameMismatch(keys: readonly string[], classNames: readonly string[]): ClassNameMismatch {
  const known = new Set(classNames);
  const given = new Set(keys);
  const missing = classNames.filter((c) => !given.has(c));
  const extra: string[] = [];
  const misspelt: [string, string][] = [];
  const unmatched = new Set(missing);
  for (const k of keys) {
    if (known.has(k)) continue;
    let best: string | null = null;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const m of unmatched) {
      const d = editDistance(
        k.toLowerCase().replace(/[\s_]+/g, " "),
        m.toLowerCase().replace(/[\s_]+/g, " "),
      );
      if (d < bestDistance) {
        bestDistance = d;
        best = m;
      }
    }
    if (best !== null && bestDistance <= Math.max(2, Math.floor(best.length / 4))) {
      misspelt.push([k, best]);
      unmatched.delete(best);
    } else extra.push(k);
  }
  return { missing: missing.filter((m) => unmatched.has(m)), extra, misspelt };
}

/**
 * Checks class-specific prompts read from a file, a pack or an LLM against the dataset's class
 * names and returns them keyed in dataset order. Missing, extra and misspelt classes, and bad
 * texts, are reported together in ONE ConfigError that names every one of them and `where`.
 */
export function validateClassPrompts(
  value: unknown,
  classNames: readonly string[],
  where = "descriptions",
): ClassPrompts {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError(`${where} must be an object mapping each class name to a list of texts`, {
      hint: `e.g. {"${classNames[0] ?? "class"}": ["a photo of a ${classNames[0] ?? "class"}, which has ..."]}`,
    });
  }
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  const m = classNameMismatch(Object.keys(record), classNames);
  if (m.misspelt.length > 0) {
    problems.push(
      `misspelt: ${m.misspelt.map(([g, c]) => `${JSON.stringify(g)} (meant ${JSON.stringify(c)}?)`).join(", ")}`,
    );
  }
  if (m.missing.length > 0) problems.push(`missing: ${m.missing.map((c) => JSON.stringify(c)).join(", ")}`);
  if (m.extra.length > 0)
    problems.push(`not a class of the dataset: ${m.extra.map((c) => JSON.stringify(c)).join(", ")}`);
  const out: Record<string, string[]> = {};
  for (const name of classNames) {
    if (!Object.hasOwn(record, name)) continue;
    const texts = record[name];
    const problem = Array.isArray(texts)
      ? candidateProblem(promptSet({ [name]: texts as string[] }))
      : "not-a-list";
    if (problem) problems.push(`class ${JSON.stringify(name)}: ${problem}`);
    else out[name] = (texts as string[]).slice();
  }
  if (problems.length > 0) {
    throw new ConfigError(
      `${where} do not match the dataset's ${classNames.length} classes: ${problems.join("; ")}`,
      {
        hint: "key every class of the dataset exactly once by its name (order does not matter), each with at least one text",
      },
    );
  }
  return out;
}

/** `validateClassPrompts` for a whole candidate (templates are checked with `templateProblem`). */
export function validateCandidate(
  candidate: unknown,
  classNames: readonly string[],
  where: string,
): Candidate {
  if (typeof candidate === "string") {
    const problem = templateProblem(candidate);
    if (problem)
      throw new ConfigError(`${where} ${JSON.stringify(candidate)} is not a valid template (${problem})`);
    return candidate;
  }
  if (!isPromptSet(candidate)) throw new ConfigError(`${where} is neither a template nor a prompt set`);
  return promptSet(validateClassPrompts(candidate.prompts, classNames, where));
}

/** Keeps the first of each group of candidates with the same `candidateKey`. */
export function dedupeCandidates(candidates: readonly Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return candidates.filter((c) => {
    const key = candidateKey(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
