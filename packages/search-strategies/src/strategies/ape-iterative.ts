import { type AskContext, defineStrategy, type LlmProposal, topK } from "@vlmopt/core";
import { z } from "zod";
import { llmProposal } from "../llm-proposal.js";
import { COMMON } from "../params.js";
import { PoolThenLlmStrategy, type StrategyContext } from "../pool-then-llm.js";
import { prompt } from "../prompt-files.js";
import { plural } from "../strategy-helpers.js";
import { APE_PARAMS, apeGenerateProposal } from "./ape.js";

export const APE_ITERATIVE_PARAMS = APE_PARAMS.extend({
  k: COMMON.k(3),
  generateSteps: z
    .number()
    .int()
    .min(0)
    .default(1)
    .describe(
      "first LLM steps that generate from the task description (skipped when the history is not empty)",
    ),
});

export type ApeIterativeParams = z.infer<typeof APE_ITERATIVE_PARAMS>;

/**
 * Iterative APE: after `generateSteps` APE generation steps (or an initial pool), each step takes
 * one of the current top-k templates in turn and asks for `templatesPerCall` variations of it
 * "while keeping its meaning" (APE's resampling); the scores only decide which templates are resampled.
 */
export class ApeIterativeStrategy extends PoolThenLlmStrategy<ApeIterativeParams> {
  private variations = 0;
  private askedVariation = false;

  constructor(params: ApeIterativeParams, context: StrategyContext = {}) {
    super("ape-iterative", params, context);
  }

  protected next(ctx: AskContext): LlmProposal | null {
    const count = this.params.templatesPerCall;
    const seededFromPool = this.pool !== null && this.pool.name !== "none";
    const generating =
      ctx.history.length === 0 || (!seededFromPool && this.llmSteps < this.params.generateSteps);
    this.askedVariation = !generating;
    if (generating) {
      return apeGenerateProposal(
        this.params,
        ctx.task,
        ctx.rng,
        count,
        `ape generation ${this.llmSteps + 1}`,
      );
    }
    const top = topK(ctx.history, this.params.k);
    const parent = top[this.variations % top.length];
    if (!parent) return null;
    const content = prompt("ape-variation.txt", {
      count,
      variations: plural(count, "variation"),
      template: parent.template,
      templates: plural(count),
    });
    return llmProposal(
      this.params,
      `ape-iterative variation ${this.variations + 1}`,
      [{ role: "user", content }],
      count,
    );
  }

  protected override told(): void {
    if (this.askedVariation) this.variations++;
  }
}

export const apeIterativePlugin = defineStrategy({
  specificationVersion: "v1",
  kind: "strategy",
  name: "ape-iterative",
  description: "iterative APE: variations of the current top-k templates, keeping their meaning",
  params: APE_ITERATIVE_PARAMS,
  promptFiles: ["ape-generate.txt", "ape-variation.txt"],
  create: (params, context) => new ApeIterativeStrategy(params, context),
});
