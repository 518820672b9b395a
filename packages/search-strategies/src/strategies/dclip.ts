import { type AskContext, defineStrategy } from "@vlmopt/core";
import { z } from "zod";
import { BatchedDescriptionStrategy, batchFields, callFields } from "../descriptions/batched-descriptions.js";
import { dclipText } from "../descriptions/class-descriptions.js";
import { taskPhrase } from "../strategy-helpers.js";

const FIELDS = {
  perClass: { max: 50, default: 5, describe: "descriptors kept per class (DCLIP's lists hold about 4-8)" },
  temperature: { default: 0.7, describe: "sampling temperature" },
  maxTokens: 2048,
};

export const DCLIP_PARAMS = z.object({
  ...batchFields(FIELDS),
  before: z
    .string()
    .default("")
    .describe('text before the class name in each prompt (WaffleCLIP runs use "A photo of a ")'),
  ...callFields(FIELDS),
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
    return this.sectionedRequest(
      [
        `Q: What are useful visual features for distinguishing each of these classes${taskPhrase(ctx.task)} in a photo?`,
        `List ${this.params_.descriptionsPerClass} short descriptors per class (a few words each, e.g. "four legs" or "a long tail"), without repeating the class name.`,
      ],
      batch,
    );
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
