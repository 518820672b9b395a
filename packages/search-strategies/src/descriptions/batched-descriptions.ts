import {
  type AskContext,
  type Candidate,
  fillTemplate,
  type LlmProposal,
  type Proposal,
  promptSet,
  type SearchStrategy,
  type StepOutcome,
} from "@vlmopt/core";
import { z } from "zod";
import { classesBlock, parseClassDescriptions, SECTION_INSTRUCTION } from "./class-descriptions.js";

export interface BatchedDescriptionParams {
  classesPerCall: number;
  descriptionsPerClass: number;
  temperature: number;
  maxTokens: number;
  maxAttempts: number;
  fallbackTemplate: string;
}

/** How the parameters common to CuPL and DCLIP differ between them (defaults and help). */
export interface BatchedFieldOptions {
  /** Most descriptions per class, its default and its help text. */
  perClass: { max: number; default: number; describe: string };
  temperature: { default: number; describe: string };
  maxTokens: number;
}

/** `classesPerCall` and `descriptionsPerClass`, the first parameters of a batched strategy. */
export function batchFields(o: BatchedFieldOptions) {
  return {
    classesPerCall: z.number().int().min(1).max(200).default(10).describe("classes described per LLM call"),
    descriptionsPerClass: z
      .number()
      .int()
      .min(1)
      .max(o.perClass.max)
      .default(o.perClass.default)
      .describe(o.perClass.describe),
  };
}

/** An LLM call's settings: temperature, reply token limit and attempts (each strategy's defaults). */
export function llmCallFields(o: {
  temperature: { default: number; describe: string };
  maxTokens: number;
  attempts: string;
}) {
  return {
    temperature: z.number().min(0).max(2).default(o.temperature.default).describe(o.temperature.describe),
    maxTokens: z.number().int().min(16).default(o.maxTokens).describe("reply token limit per call"),
    maxAttempts: z.number().int().min(1).max(10).default(2).describe(o.attempts),
  };
}

/** The fallback template and the call's settings, the last parameters of a batched strategy. */
export function callFields(o: BatchedFieldOptions) {
  return {
    fallbackTemplate: z
      .string()
      .default("a photo of a {}.")
      .describe("stands in for a class the LLM has not described (yet)"),
    ...llmCallFields({ ...o, attempts: "LLM calls per batch until a reply parses" }),
  };
}

/**
 * The skeleton of CuPL and DCLIP: the classes are described `classesPerCall` at a time (so
 * ImageNet's 1,000 classes take 100 calls, not 1,000), one LLM call per step. Every step scores the
 * whole prompt set known so far — classes not described yet stand in with `fallbackTemplate` — so
 * the last step scores the complete set. A class the reply left out is asked once more in a later
 * batch; after that it keeps the fallback. State changes only in `tell` (replies re-parsed), so a
 * resumed run re-plays it exactly; replies go through the provider's reply cache and the budget
 * like every LLM call of the loop.
 */
export abstract class BatchedDescriptionStrategy implements SearchStrategy {
  readonly specificationVersion = "v1" as const;
  private readonly described = new Map<string, string[]>();
  private readonly attempts = new Map<string, number>();
  private pending: string[] = [];

  constructor(
    readonly name: string,
    readonly params: Readonly<Record<string, string | number | boolean | null>>,
    protected readonly p: BatchedDescriptionParams,
  ) {}

  /** The request text for this batch of classes (usually `sectionedRequest` of the question). */
  protected abstract requestText(ctx: AskContext, batch: readonly string[]): string;

  /** A request: the question's lines, then how to answer ("### class" sections), then the batch. */
  protected sectionedRequest(question: readonly string[], batch: readonly string[]): string {
    return [...question, SECTION_INSTRUCTION, "", classesBlock(batch)].join("\n");
  }
  /** The prompt texts of a class from the descriptions the LLM wrote for it. */
  protected abstract textsOf(className: string, descriptions: readonly string[]): string[];

  private nextBatch(classNames: readonly string[]): string[] {
    const todo = classNames.filter((c) => !this.described.has(c) && (this.attempts.get(c) ?? 0) < 2);
    return todo.slice(0, Math.max(1, this.p.classesPerCall));
  }

  private setWith(classNames: readonly string[], extra: Map<string, string[]>): Candidate {
    const prompts: Record<string, string[]> = {};
    for (const c of classNames) {
      const d = extra.get(c) ?? this.described.get(c);
      prompts[c] = d && d.length > 0 ? this.textsOf(c, d) : [fillTemplate(this.p.fallbackTemplate, c)];
    }
    return promptSet(prompts);
  }

  ask(ctx: AskContext): Proposal | null {
    const { classNames } = ctx.task;
    const batch = this.nextBatch(classNames);
    if (batch.length === 0) return null;
    this.pending = batch;
    const first = classNames.indexOf(batch[0] as string) + 1;
    const proposal: LlmProposal = {
      kind: "llm",
      label: `${this.name}: classes ${first}–${first + batch.length - 1} of ${classNames.length}`,
      request: {
        messages: [{ role: "user", content: this.requestText(ctx, batch) }],
        temperature: this.p.temperature,
        maxTokens: this.p.maxTokens,
      },
      maxAttempts: this.p.maxAttempts,
      parse: (texts) => {
        const got = this.parseReplies(texts, batch);
        return got.size > 0 ? [this.setWith(classNames, got)] : [];
      },
    };
    return proposal;
  }

  private parseReplies(texts: readonly string[], batch: readonly string[]): Map<string, string[]> {
    const got = new Map<string, string[]>();
    for (const t of texts) {
      for (const [c, d] of parseClassDescriptions(t, batch, this.p.descriptionsPerClass)) {
        if (d.length > 0 && !got.has(c)) got.set(c, d);
      }
    }
    return got;
  }

  tell(outcome: StepOutcome): void {
    for (const c of this.pending) this.attempts.set(c, (this.attempts.get(c) ?? 0) + 1);
    for (const [c, d] of this.parseReplies(outcome.replies, this.pending)) this.described.set(c, d);
    this.pending = [];
  }
}
