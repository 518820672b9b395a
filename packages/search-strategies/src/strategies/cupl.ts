import { type AskContext, defineStrategy, promptClassName } from "@vlmopt/core";
import { z } from "zod";
import { BatchedDescriptionStrategy, batchFields, callFields } from "../descriptions/batched-descriptions.js";
import { taskPhrase } from "../strategy-helpers.js";

const FIELDS = {
  perClass: { max: 100, default: 10, describe: "descriptions per class (N; CuPL generated 10 per question)" },
  temperature: { default: 0.99, describe: "sampling temperature (CuPL sampled at 0.99)" },
  maxTokens: 4096,
};

export const CUPL_PARAMS = z.object({ ...batchFields(FIELDS), ...callFields(FIELDS) });

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
    return this.sectionedRequest(
      [
        `Describe what each of these classes${taskPhrase(ctx.task)} looks like in a photo.`,
        `Write ${this.params_.descriptionsPerClass} different one-sentence descriptions per class; every sentence must name the class (e.g. "A ${promptClassName(batch[0] as string)} is ...").`,
      ],
      batch,
    );
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
