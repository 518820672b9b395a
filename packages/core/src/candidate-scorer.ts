import { createEmbeddings, type Embeddings, normalizeRows } from "./embeddings.js";
import {
  type Candidate,
  candidateProblem,
  classNameMismatch,
  type PromptSet,
  validateClassPrompts,
} from "./prompt-set.js";
import {
  type AccuracyResult,
  type SplitFeatures,
  TemplateScorer,
  type TemplateScorerOptions,
} from "./scoring.js";
import { embedTextsCached } from "./text-embeddings.js";

/**
 * Class embeddings of a prompt set: for each class (in `classNames` order, whatever the key order
 * of `set.prompts`), the normalised mean of its texts' normalised embeddings — CuPL's
 * `zeroshot_classifier_gpt` (https://github.com/sarahpratt/CuPL/blob/main/classify_imagenet.py:
 * `class_embeddings /= norm; class_embedding = mean(0); class_embedding /= norm`) and WaffleCLIP /
 * DCLIP's merged form (https://github.com/ExplainableML/WaffleCLIP/blob/main/base_main.py:
 * `descr_means = mean(0); descr_means /= norm`). `embed` is called with at most `textsPerCall`
 * texts at a time and the sums are kept in float64, so memory stays at one call's embeddings plus
 * C × D sums however many texts there are.
 */
export async function promptSetClassEmbeddings(
  set: PromptSet,
  classNames: readonly string[],
  embed: (texts: readonly string[]) => Promise<Embeddings>,
  textsPerCall: number,
): Promise<Embeddings> {
  const prompts = validateClassPrompts(set.prompts, classNames, "prompt set");
  const texts: string[] = [];
  const classOf: number[] = [];
  classNames.forEach((name, c) => {
    for (const t of prompts[name] ?? []) {
      texts.push(t);
      classOf.push(c);
    }
  });
  let sums: Float64Array | null = null;
  let dim = 0;
  const per = Math.max(1, Math.floor(textsPerCall));
  for (let start = 0; start < texts.length; start += per) {
    const part = await embed(texts.slice(start, start + per));
    if (!sums) {
      dim = part.dim;
      sums = new Float64Array(classNames.length * dim);
    }
    for (let r = 0; r < part.count; r++) {
      const base = r * dim;
      let sq = 0;
      for (let j = 0; j < dim; j++) sq += (part.data[base + j] as number) ** 2;
      const inv = sq === 0 ? 0 : 1 / Math.sqrt(sq);
      const out = (classOf[start + r] as number) * dim;
      for (let j = 0; j < dim; j++)
        sums[out + j] = (sums[out + j] as number) + (part.data[base + j] as number) * inv;
    }
  }
  if (!sums) throw new RangeError("a prompt set needs at least one text");
  const out = createEmbeddings(classNames.length, dim);
  for (let c = 0; c < classNames.length; c++) {
    let sq = 0;
    for (let j = 0; j < dim; j++) sq += (sums[c * dim + j] as number) ** 2;
    const inv = sq === 0 ? 0 : 1 / Math.sqrt(sq);
    for (let j = 0; j < dim; j++) out.data[c * dim + j] = (sums[c * dim + j] as number) * inv;
  }
  return out;
}

/**
 * A TemplateScorer that scores both candidate kinds: templates exactly as before, prompt sets as
 * `promptSetClassEmbeddings` with the same text cache and encoder batching (C × n texts, at most
 * `textsPerCall` per encoder call).
 */
export class CandidateScorer extends TemplateScorer {
  constructor(private readonly candidateOptions: TemplateScorerOptions) {
    super(candidateOptions);
  }

  /** The dataset's class names, in label order. */
  get classNames(): readonly string[] {
    return this.candidateOptions.classNames;
  }

  /**
   * Why a candidate cannot be scored with this dataset, or null: `candidateProblem`, or for a
   * prompt set whose classes differ from the dataset's, which are missing, extra or misspelt.
   */
  problemOf(candidate: Candidate): string | null {
    const problem = candidateProblem(candidate);
    if (problem || typeof candidate === "string") return problem;
    const m = classNameMismatch(Object.keys(candidate.prompts), this.candidateOptions.classNames);
    const parts = [
      ...m.misspelt.map(([g, c]) => `misspelt ${JSON.stringify(g)} (${JSON.stringify(c)})`),
      ...m.missing.map((c) => `missing ${JSON.stringify(c)}`),
      ...m.extra.map((c) => `extra ${JSON.stringify(c)}`),
    ];
    return parts.length > 0 ? `classes do not match the dataset: ${parts.join(", ")}` : null;
  }

  /** Texts per encoder call when embedding a prompt set (default 8 × the encoder's maxTextBatch). */
  get textsPerCall(): number {
    const { encoder, maxTextsPerCall } = this.candidateOptions;
    return Math.max(1, maxTextsPerCall ?? 8 * Math.max(1, encoder.maxTextBatch));
  }

  async promptSetEmbeddings(set: PromptSet): Promise<Embeddings> {
    return promptSetClassEmbeddings(
      set,
      this.candidateOptions.classNames,
      (texts) => embedTextsCached(this.candidateOptions, texts),
      this.textsPerCall,
    );
  }

  /** C×D class embeddings of either kind, L2-normalised. */
  async candidateEmbeddings(candidate: Candidate): Promise<Embeddings> {
    return typeof candidate === "string"
      ? this.classEmbeddings(candidate)
      : this.promptSetEmbeddings(candidate);
  }

  /**
   * The ensemble of several candidates of either kind: the normalised sum of each one's class
   * embeddings — CLIP's prompt ensemble when all are templates (same result as
   * `ensembleEmbeddings`), each prompt set counting as one member.
   */
  async candidateEnsembleEmbeddings(candidates: readonly Candidate[]): Promise<Embeddings> {
    const templates = candidates.filter((c): c is string => typeof c === "string");
    const sets = candidates.filter((c): c is PromptSet => typeof c !== "string");
    if (sets.length === 0) return this.ensembleEmbeddings(templates);
    const { classNames, encoder } = this.candidateOptions;
    const sum = createEmbeddings(classNames.length, encoder.dim);
    const add = (e: Embeddings) => {
      for (let i = 0; i < e.data.length; i++) sum.data[i] = (sum.data[i] as number) + (e.data[i] as number);
    };
    if (templates.length > 0) for (const e of await this.classEmbeddingsOfMany(templates)) add(e);
    for (const s of sets) add(await this.promptSetEmbeddings(s));
    return normalizeRows(sum);
  }

  /**
   * The class embeddings a chosen list of candidates stands for: their ensemble (CLIP's prompt
   * ensemble for templates) when `ensemble`, else the first one's own. By default several
   * candidates are an ensemble and one is itself.
   */
  async chosenEmbeddings(
    candidates: readonly Candidate[],
    ensemble = candidates.length > 1,
  ): Promise<Embeddings> {
    const [only] = candidates;
    if (only === undefined) throw new RangeError("choose at least one candidate");
    return ensemble ? this.candidateEnsembleEmbeddings(candidates) : this.candidateEmbeddings(only);
  }

  async scoreCandidate(candidate: Candidate, split: SplitFeatures): Promise<AccuracyResult> {
    return this.score(await this.candidateEmbeddings(candidate), split);
  }
}
