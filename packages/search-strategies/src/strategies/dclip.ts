import { type AskContext, defineStrategy } from "@vlmopt/core";
import { z } from "zod";
import { BatchedDescriptionStrategy } from "../descriptions/batched-descriptions.js";
import { classesBlock, dclipText, SECTION_INSTRUCTION } from "../descriptions/class-descriptions.js";
import { taskPhrase } from "../strategy-helpers.js";

export const DCLIP_PARAMS = z.object({
  classesPerCall: z.number().int().min(1).max(200).default(10).describe("classes described per LLM call"),
  descriptionsPerClass: z
    .number()
    .int()
    .min(1)
    .max(50)
    .default(5)
    .describe("descriptors kept per class (DCLIP's lists hold about 4-8)"),
  before: z
    .string()
    .default("")
    .describe('text before the class name in each prompt (WaffleCLIP runs use "A photo of a ")'),
  fallbackTemplate: z
    .string()
    .default("a photo of a {}.")
    .describe("stands in for a class the LLM has not described (yet)"),
  temperature: z.number().min(0).max(2).default(0.7).describe("sampling temperature"),
  maxTokens: z.number().int().min(16).default(2048).describe("reply token limit per call"),
  maxAttempts: z
    .number()
    .int()
    .min(1)
    .max(10)
    .default(2)
    .describe("LLM calls per batch until a reply parses"),
});

export type DclipParams = z.infer<typeof DCLIP_PARAMS>;

/**
 * DCLIP (Menon & Vondrick, "Visual Classification via Description from Large Language Models",
 * ICLR 2023): the LLM lists visual descriptors per class, each becomes "<class>, which has/is
 * <descriptor>." and a class is the normalised mean of its descriptors' embeddings. The question
 * follows DCLIP's ("What are useful features for distinguishing a {} in a photo?"); the classes are
 * batched per call and the reply uses vlmopt's "### class" sections.
 */
export class DclipStrategy extends BatchedDescriptionStrategy {
  constructor(private readonly params_: DclipParams) {
    super("dclip", { ...params_ }, params_);
  }

  protected requestText(ctx: AskContext, batch: readonly string[]): string {
    return [
      `Q: What are useful visual features for distinguishing each of these classes${taskPhrase(ctx.task)} in a photo?`,
      `List ${this.params_.descriptionsPerClass} short descriptors per class (a few words each, e.g. "four legs" or "a long tail"), without repeating the class name.`,
      SECTION_INSTRUCTION,
      "",
      classesBlock(batch),
    ].join("\n");
  }

  protected textsOf(className: string, descriptions: readonly string[]): string[] {
    return descriptions.map((d) => dclipText(className, d, this.params_.before));
  }
}

export const dclipStrategy = defineStrategy({
  specificationVersion: "v1",
  kind: "strategy",
  name: "dclip",
  description: 'DCLIP: LLM descriptors per class as "<class>, which has <descriptor>.", averaged per class',
  params: DCLIP_PARAMS,
  create: (params) => new DclipStrategy(params),
});
