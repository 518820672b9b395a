import {
  canonicalJson,
  createRng,
  extractTemplates,
  type LlmGenerateOptions,
  type LlmGenerateResult,
  type LlmProvider,
  type LlmRequest,
  normalizeTemplate,
  PLACEHOLDER,
  type Rng,
  sha256Hex,
  throwIfAborted,
} from "@vlmopt/core";
import { requestedClasses, simulatedDescriptions } from "./simulated-descriptions.js";
import { type RequestView, readRequest } from "./simulated-shown.js";

/** Words the simulated provider inserts or substitutes (plus the words of the positive examples it is shown). */
export const SIMULATED_VOCABULARY = [
  "satellite",
  "photo",
  "aerial",
  "close-up",
  "blurry",
  "centered",
  "bright",
  "dark",
  "cropped",
  "good",
  "small",
  "large",
  "clean",
  "natural",
  "picture",
  "image",
  "view",
  "of",
  "the",
  "a",
  "drawing",
  "sketch",
  "painting",
  "high",
  "resolution",
  "low",
  "landscape",
  "scene",
  "overhead",
  "detailed",
  "colorful",
  "cartoon",
  "rendering",
  "shot",
  "taken",
  "above",
  "outdoor",
  "texture",
  "map",
  "top-down",
  "clear",
  "wide",
  "remote",
  "sensing",
  "terrain",
  "region",
] as const;

const DEFAULT_TEMPLATES = [
  "a photo of a {}.",
  "a picture of a {}.",
  "an image of the {}.",
  "a close-up photo of a {}.",
];

export interface SimulatedProviderOptions {
  /** Seed of the generator. Default 0. */
  seed?: number;
  /** Templates per reply when the request does not say how many ("Write 3 …", "give me 1 …"). Default 5. */
  templatesPerReply?: number;
}

/**
 * A deterministic stand-in for an LLM, for dry runs, benchmarks and tests. It is not a language
 * model: it answers with word-level edits (insert, delete or replace one word; "{}" is always
 * kept) of the templates the request shows, as a "- " list, roughly as a cooperative LLM would:
 * - it reads the templates of the last user message (core's extractTemplates line reader; see
 *   simulated-shown.ts), with scores where shown; "… don't work well" / "work badly" sections are
 *   negative examples;
 * - it edits the best-scored template known (a shown one, or an earlier proposal whose score a
 *   later turn reported) most of the time, a random shown positive otherwise; after "improves to"
 *   it keeps editing its last proposal; with nothing shown it edits DEFAULT_TEMPLATES;
 * - new words come from SIMULATED_VOCABULARY plus the words of the positive examples, never a word
 *   seen only in negative examples; templates already in the prompt are not proposed again;
 * - as many templates as the request asks for ("Write 5 …", "give me 1 …", "a new template"),
 *   else `templatesPerReply`; description requests get simulated-descriptions.ts' answer.
 * It keeps no state between calls: sample i of a call is seeded from (provider seed,
 * `options.callId`, the request's system prompt, messages, temperature and max tokens, i) — so a
 * resumed run (same call ids) gets the same replies as an uninterrupted one, and a repeated request
 * with another call id (a retry, a later step, another run seed) gets fresh ones. Without a call id
 * the same request always gets the same reply. Usage is approximated as ceil(characters / 4)
 * tokens; cost is 0 (it is free).
 */
export class SimulatedProvider implements LlmProvider {
  readonly specificationVersion = "v1" as const;
  readonly provider = "simulated";
  readonly modelId: string;
  readonly price = { inputPerMTok: 0, outputPerMTok: 0 };
  readonly warning = "simulated provider — not an LLM; templates are word-level edits";
  private readonly seed: number;
  private readonly perReply: number;

  constructor(options: SimulatedProviderOptions = {}) {
    this.seed = options.seed ?? 0;
    this.perReply = options.templatesPerReply ?? 5;
    this.modelId = `word-edit-seed-${this.seed}`;
  }

  async generate(request: LlmRequest, options: LlmGenerateOptions = {}): Promise<LlmGenerateResult> {
    throwIfAborted(options.signal);
    const n = request.n ?? 1;
    const prompt = [request.system ?? "", ...request.messages.map((m) => m.content)].join("\n");
    // The last user message holds the current task; earlier turns were already answered.
    const lastUser = [...request.messages].reverse().find((m) => m.role === "user")?.content ?? "";
    const view = readRequest(request);
    const seen = new Set(extractTemplates(prompt).map(normalizeTemplate));
    const count = requestedCount(lastUser) ?? this.perReply;
    const content = {
      system: request.system ?? null,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      temperature: request.temperature ?? null,
      maxTokens: request.maxTokens ?? null,
    };
    const texts: string[] = [];
    for (let sample = 0; sample < n; sample++) {
      const mix = sha256Hex(
        canonicalJson({ seed: this.seed, callId: options.callId ?? null, request: content, sample }),
      );
      const rng = createRng(Number.parseInt(mix.slice(0, 8), 16));
      // A request for per-class descriptions (the description strategies' section protocol).
      const classes = requestedClasses(lastUser);
      if (classes) {
        texts.push(simulatedDescriptions(lastUser, classes, rng));
        continue;
      }
      texts.push(proposeEdits(view, count, seen, rng));
    }
    const inputTokens = Math.ceil(prompt.length / 4);
    const outputTokens = texts.reduce((sum, t) => sum + Math.ceil(t.length / 4), 0);
    return { texts, usage: { inputTokens, outputTokens, costUsd: 0 } };
  }
}

/** How many templates the request asks for: "Write 5", "give me 1", "Generate 2", "a new template"; null if unsaid. */
function requestedCount(text: string): number | null {
  const m = /\b(?:give me|write|generate|list)\s+(\d{1,3}|an?|one)\s/i.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isFinite(n) ? Math.max(1, Math.min(20, n)) : 1;
}

function wordsOf(template: string): string[] {
  return template
    .toLowerCase()
    .replace(/[^a-z0-9{}\s'-]/g, " ")
    .split(/\s+/)
    .filter((w) => w && !w.includes(PLACEHOLDER));
}

/** `count` new "- " lines, each one word-level edit of a parent chosen as the class comment says. */
function proposeEdits(view: RequestView, count: number, seen: ReadonlySet<string>, rng: Rng): string {
  const positives = view.shown.filter((s) => s.positive);
  const negatives = view.shown.filter((s) => !s.positive);
  const positiveWords = new Set(positives.flatMap((s) => wordsOf(s.template)));
  const avoid = new Set(negatives.flatMap((s) => wordsOf(s.template)).filter((w) => !positiveWords.has(w)));
  const vocabulary = [...new Set([...SIMULATED_VOCABULARY, ...positiveWords])].filter((w) => !avoid.has(w));
  const parents = positives.length > 0 ? positives.map((s) => s.template) : DEFAULT_TEMPLATES;
  const out: string[] = [];
  const used = new Set(seen);
  for (let tries = 0; out.length < count && tries < count * 20; tries++) {
    const best = view.known[0]?.template;
    let parent: string;
    if (view.improved && view.lastProposal) parent = view.lastProposal;
    else if (best !== undefined && rng.next() < 0.7) parent = best;
    else parent = parents[rng.int(parents.length)] as string;
    const edited = editTemplate(parent, rng, vocabulary);
    const key = normalizeTemplate(edited);
    if (used.has(key)) continue;
    used.add(key);
    out.push(edited);
  }
  return out.map((t) => `- ${t}`).join("\n");
}

/**
 * One word-level edit of a template: insert a word, replace one or delete one (never the "{}" word,
 * and never the only other word). A trailing period stays at the end.
 */
export function editTemplate(
  template: string,
  rng: Rng,
  vocabulary: readonly string[] = SIMULATED_VOCABULARY,
): string {
  const period = template.endsWith(".");
  const words = template.replace(/\.$/, "").split(/\s+/).filter(Boolean);
  const editable = words.map((w, i) => (w.includes(PLACEHOLDER) ? -1 : i)).filter((i) => i >= 0);
  const word = vocabulary[rng.int(vocabulary.length)] ?? "photo";
  const r = rng.next();
  if (r < 0.2 && editable.length > 1) {
    words.splice(editable[rng.int(editable.length)] as number, 1);
  } else if (r < 0.55 && editable.length > 0) {
    words[editable[rng.int(editable.length)] as number] = word;
  } else {
    // After the last word only when there is no period to keep at the end.
    words.splice(rng.int(period ? Math.max(1, words.length) : words.length + 1), 0, word);
  }
  const out = `${words.join(" ")}${period ? "." : ""}`;
  return out.includes(PLACEHOLDER) ? out : `${out} ${PLACEHOLDER}`;
}
