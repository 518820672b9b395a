import { type AskContext, defineStrategy, promptClassName } from "@vlmopt/core";
import { z } from "zod";
import { BatchedDescriptionStrategy } from "../descriptions/batched-descriptions.js";
import { classesBlock, SECTION_INSTRUCTION } from "../descriptions/class-descriptions.js";
import { taskPhrase } from "../strategy-helpers.js";

export const CUPL_PARAMS = z.object({
  classesPerCall: z.number().int().min(1).max(200).default(10).describe("classes described per LLM call"),
  descriptionsPerClass: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(10)
    .describe("descriptions per class (N; CuPL generated 10 per question)"),
  fallbackTemplate: z
    .string()
    .default("a photo of a {}.")
    .describe("stands in for a class the LLM has not described (yet)"),
  temperature: z.number().min(0).max(2).default(0.99).describe("sampling temperature (CuPL sampled at 0.99)"),
  maxTokens: z.number().int().min(16).default(4096).describe("reply token limit per call"),
  maxAttempts: z
    .number()
    .int()
    .min(1)
    .max(10)
    .default(2)
    .describe("LLM calls per batch until a reply parses"),
});

export type CuplParams = z.infer<typeof CUPL_PARAMS>;

/**
 * CuPL (Pratt et al., "What does a platypus look like?", ICCV 2023): the LLM writes N full
 * sentences per class describing what it looks like; each sentence is a prompt as written and a
 * class is their normalised mean embedding
 * (https://github.com/sarahpratt/CuPL/blob/main/classify_imagenet.py, `zeroshot_classifier_gpt`).
 * CuPL's questions ("Describe what a {} looks like", "What does a {} look like?", ...;
 * generate_image_prompts.py) are asked for a batch of classes in one call.
 */
export class CuplStrategy extends BatchedDescriptionStrategy {
  constructor(private readonly params_: CuplParams) {
    super("cupl", { ...params_ }, params_);
  }

  protected requestText(ctx: AskContext, batch: readonly string[]): string {
    return [
      `Describe what each of these classes${taskPhrase(ctx.task)} looks like in a photo.`,
      `Write ${this.params_.descriptionsPerClass} different one-sentence descriptions per class; every sentence must name the class (e.g. "A ${promptClassName(batch[0] as string)} is ...").`,
      SECTION_INSTRUCTION,
      "",
      classesBlock(batch),
    ].join("\n");
  }

  protected textsOf(_className: string, descriptions: readonly string[]): string[] {
    return [...descriptions];
  }
}

export const cuplStrategy = defineStrategy({
  specificationVersion: "v1",
  kind: "strategy",
  name: "cupl",
  description: "CuPL: N LLM-written descriptions per class (classes batched per call), averaged per class",
  params: CUPL_PARAMS,
  create: (params) => new CuplStrategy(params),
});
