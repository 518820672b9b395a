import {
  canonicalJson,
  createRng,
  type LlmGenerateResult,
  type LlmProvider,
  type LlmRequest,
  type Rng,
  sha256Hex,
} from "@vlmopt/core";

/**
 * A deterministic stand-in for a chat LLM that edits templates, for benchmarks and tests. It is
 * not a language model: it reads the templates shown in the request and answers with word-level
 * edits (insert, replace, delete) of one of them, roughly as a cooperative LLM would:
 * - it reads templates from sections opened by "work well" / "good" / "previous templates" /
 *   "prompt templates" headers, "text:" lines (OPRO) and "Input:" lines (APE variations), and
 *   treats sections opened by "don't work well" / "bad" as negative examples;
 * - it edits the best-scored shown template when scores are shown, a random shown one otherwise;
 *   in a conversation it keeps editing its last proposal after "improves", and goes back to the
 *   best known template after "drops" / "stays";
 * - new words come from a fixed vocabulary plus the words of the positive examples, never words
 *   seen only in negative examples.
 * With nothing to edit (APE generation) it edits "a photo of a {}.". Replies are "- " lines, as
 * many as the request asks for ("give me 3 better templates", "Write 5 ...").
 */
export const EDIT_VOCABULARY = [
  "photo",
  "picture",
  "image",
  "satellite",
  "aerial",
  "view",
  "centered",
  "close-up",
  "blurry",
  "bright",
  "dark",
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
  "large",
  "small",
  "natural",
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
];

interface Shown {
  template: string;
  score: number | null;
  positive: boolean;
}

const HEADER_POS = /work well|good templates|previous templates|prompt templates/i;
const HEADER_NEG = /don't work well|do not work well|bad templates/i;

function stripLine(line: string): string {
  return line
    .replace(/^(?:[-*•]\s+|\d+[.)]\s+)/, "")
    .trim()
    .replace(/^["'`]|["'`]$/g, "");
}

/** Templates shown in one user message, with scores where given. */
function readShown(content: string): Shown[] {
  const out: Shown[] = [];
  let section: "pos" | "neg" | null = null;
  const lines = content.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === "") {
      section = null;
      continue;
    }
    if (HEADER_NEG.test(line)) {
      section = "neg";
      continue;
    }
    if (HEADER_POS.test(line)) {
      section = "pos";
      continue;
    }
    if (line === "text:") {
      const t = lines[i + 1]?.trim() ?? "";
      const s = Number(lines[i + 3]?.trim());
      if (t.includes("{}"))
        out.push({ template: t, score: Number.isFinite(s) ? s / 100 : null, positive: true });
      i += 3;
      continue;
    }
    if (line.startsWith("Input: ")) {
      out.push({ template: line.slice(7).trim(), score: null, positive: true });
      continue;
    }
    if (section && line.includes("{}")) {
      const m = /^(.*\{\}.*?)\s+\((\d+(?:\.\d+)?)%\)$/.exec(stripLine(line));
      const template = m ? (m[1] as string) : stripLine(line);
      out.push({ template, score: m ? Number(m[2]) / 100 : null, positive: section === "pos" });
    }
  }
  return out;
}

function wordsOf(template: string): string[] {
  return template
    .toLowerCase()
    .replace(/[^a-z0-9{}\s'-]/g, " ")
    .split(/\s+/)
    .filter((w) => w && !w.includes("{}"));
}

function requestedCount(content: string): number {
  const m = /(?:give me|write|generate)\s+(\d+)\s/i.exec(content);
  return m ? Math.max(1, Math.min(20, Number(m[1]))) : 1;
}

/** One word-level edit of a template (never touching the {} token). */
export function editTemplate(template: string, vocabulary: readonly string[], rng: Rng): string {
  const tokens = template.replace(/\.$/, "").split(/\s+/).filter(Boolean);
  const editable = tokens.map((t, i) => (t.includes("{}") ? -1 : i)).filter((i) => i >= 0);
  const word = vocabulary[rng.int(vocabulary.length)] ?? "photo";
  const r = rng.next();
  if (r < 0.2 && editable.length > 1) {
    tokens.splice(editable[rng.int(editable.length)] as number, 1);
  } else if (r < 0.55 && editable.length > 0) {
    tokens[editable[rng.int(editable.length)] as number] = word;
  } else {
    tokens.splice(rng.int(tokens.length + 1), 0, word);
  }
  return `${tokens.join(" ")}.`;
}

export interface EditLlmOptions {
  seed?: number;
}

export class EditLlm implements LlmProvider {
  readonly specificationVersion = "v1" as const;
  readonly provider = "edit-mock";
  readonly modelId = "word-edits";
  readonly price = null;
  readonly warning = "deterministic word-edit mock — not an LLM";
  calls = 0;

  constructor(private readonly options: EditLlmOptions = {}) {}

  async generate(request: LlmRequest): Promise<LlmGenerateResult> {
    const index = this.calls++;
    const seedHex = sha256Hex(`${this.options.seed ?? 0}:${index}:${canonicalJson(request)}`);
    const rng = createRng(Number.parseInt(seedHex.slice(0, 8), 16));
    const texts = Array.from({ length: request.n ?? 1 }, () => this.reply(request, rng.fork()));
    const inputTokens = request.messages.reduce((s, m) => s + Math.ceil(m.content.length / 4), 0);
    const outputTokens = texts.reduce((s, t) => s + Math.ceil(t.length / 4), 0);
    return { texts, usage: { inputTokens, outputTokens, costUsd: null } };
  }

  private reply(request: LlmRequest, rng: Rng): string {
    const messages = request.messages;
    const asked = (messages[messages.length - 1]?.content ?? "").split("\nClasses:\n")[1];
    if (asked !== undefined) {
      // A per-class description request (the "### class" protocol): random attribute phrases.
      const words = ["green", "striped", "round", "dark", "small", "rows", "water", "edges", "spots", "flat"];
      return asked
        .split("\n")
        .filter((l) => l.startsWith("### "))
        .map((h) =>
          [
            h,
            ...[0, 1, 2].map(
              () => `- ${h.slice(4)} with ${words[rng.int(words.length)]} ${words[rng.int(words.length)]}`,
            ),
          ].join("\n"),
        )
        .join("\n");
    }
    const first = messages[0]?.content ?? "";
    const last = messages[messages.length - 1]?.content ?? "";
    const shown = readShown(first);
    const positives = shown.filter((s) => s.positive);
    const negatives = shown.filter((s) => !s.positive);
    // The best known template: scored positives, plus proposals whose score a later turn reported.
    const known: { template: string; score: number }[] = positives
      .filter((s) => s.score !== null)
      .map((s) => ({ template: s.template, score: s.score as number }));
    let lastProposal: string | null = null;
    for (let i = 1; i < messages.length; i++) {
      const m = messages[i];
      if (m?.role !== "assistant") continue;
      const proposal = m.content.split("\n").find((l) => l.startsWith("- "));
      if (!proposal) continue;
      lastProposal = stripLine(proposal);
      const feedback = /(\d+(?:\.\d+)?)%/.exec(messages[i + 1]?.content ?? "");
      if (feedback) known.push({ template: lastProposal, score: Number(feedback[1]) / 100 });
    }
    known.sort((a, b) => b.score - a.score);
    let parent: string;
    if (messages.length > 1 && lastProposal && /improves to/.test(last)) parent = lastProposal;
    else if (known.length > 0 && rng.next() < 0.7) parent = (known[0] as { template: string }).template;
    else if (positives.length > 0) parent = (positives[rng.int(positives.length)] as Shown).template;
    else parent = "a photo of a {}.";

    const positiveWords = new Set(positives.flatMap((s) => wordsOf(s.template)));
    const avoid = new Set(negatives.flatMap((s) => wordsOf(s.template)).filter((w) => !positiveWords.has(w)));
    const vocabulary = [...new Set([...EDIT_VOCABULARY, ...positiveWords])].filter((w) => !avoid.has(w));

    const count = requestedCount(last);
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
      let t = editTemplate(parent, vocabulary, rng);
      if (rng.next() < 0.4) t = editTemplate(t, vocabulary, rng);
      lines.push(`- ${t}`);
    }
    return `Here ${count === 1 ? "is a better template" : "are better templates"}:\n${lines.join("\n")}`;
  }
}
