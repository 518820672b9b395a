import {
  canonicalJson,
  createRng,
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
import { extractTemplates } from "./extract-templates.js";
import { requestedClasses, simulatedDescriptions } from "./simulated-descriptions.js";

/** Words the simulated provider inserts or substitutes. */
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
  /** Templates per reply. Default 5. */
  templatesPerReply?: number;
}

/**
 * A deterministic stand-in for an LLM, for dry runs and tests. It reads the templates shown in
 * the request (see `extractTemplates`; DEFAULT_TEMPLATES when it shows none) and answers with
 * word-level edits of them (insert, delete or replace one word from a small vocabulary; "{}" is
 * always kept) as a "- " list. It keeps no state between calls: sample i of a call is seeded from
 * (provider seed, `options.callId`, the request's system prompt, messages, temperature and max
 * tokens, i) — so a resumed run (same call ids) gets the same replies as an uninterrupted one,
 * and a repeated request with another call id (a retry, a later step, another run seed) gets
 * fresh ones. Without a call id the same request always gets the same reply. Usage is
 * approximated as ceil(characters / 4) tokens; cost is 0 (it is free).
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
    let shown = extractTemplates(lastUser);
    if (shown.length === 0) shown = extractTemplates(prompt);
    if (shown.length === 0) shown = DEFAULT_TEMPLATES;
    const seen = new Set(extractTemplates(prompt).map(normalizeTemplate));
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
      const out: string[] = [];
      const used = new Set(seen);
      for (let tries = 0; out.length < this.perReply && tries < this.perReply * 20; tries++) {
        const base = shown[rng.int(shown.length)] as string;
        const edited = editTemplate(base, rng);
        const key = normalizeTemplate(edited);
        if (used.has(key)) continue;
        used.add(key);
        out.push(edited);
      }
      texts.push(out.map((t) => `- ${t}`).join("\n"));
    }
    const inputTokens = Math.ceil(prompt.length / 4);
    const outputTokens = texts.reduce((sum, t) => sum + Math.ceil(t.length / 4), 0);
    return { texts, usage: { inputTokens, outputTokens, costUsd: 0 } };
  }
}

/** One word-level edit (insert, delete or replace a word); the "{}" word is never removed. */
export function editTemplate(template: string, rng: Rng): string {
  const words = template.split(/\s+/).filter(Boolean);
  const editable = words.map((w, i) => (w.includes(PLACEHOLDER) ? -1 : i)).filter((i) => i >= 0);
  const word = SIMULATED_VOCABULARY[rng.int(SIMULATED_VOCABULARY.length)] as string;
  const op = editable.length === 0 ? 0 : rng.int(words.length > 3 ? 3 : 2);
  if (op === 0) {
    words.splice(rng.int(words.length + 1), 0, word);
  } else if (op === 1) {
    words[editable[rng.int(editable.length)] as number] = word;
  } else {
    words.splice(editable[rng.int(editable.length)] as number, 1);
  }
  const out = words.join(" ");
  return out.includes(PLACEHOLDER) ? out : `${out} ${PLACEHOLDER}`;
}
