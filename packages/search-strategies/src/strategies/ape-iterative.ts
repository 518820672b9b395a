import { type AskContext, type LlmProposal, topK } from "@vlmopt/core";
import { llmProposal } from "../llm-proposal.js";
import { COMMON, num, type ParamSpec, type ResolvedParams } from "../params.js";
import { PoolThenLlmStrategy, type StrategyContext } from "../pool-then-llm.js";
import { prompt } from "../prompt-files.js";
import { plural } from "../strategy-helpers.js";
import { APE_PARAMS, apeGenerateProposal } from "./ape.js";

export const APE_ITERATIVE_PARAMS: readonly ParamSpec[] = [
  ...APE_PARAMS,
  COMMON.k(3),
  {
    name: "generateSteps",
    default: 1,
    type: "int",
    min: 0,
    description:
      "first LLM steps that generate from the task description (skipped when the history is not empty)",
  },
];

/**
 * Iterative APE: after `generateSteps` APE generation steps (or an initial pool), each step takes
 * one of the current top-k templates in turn and asks for `templatesPerCall` variations of it
 * "while keeping its meaning" (APE's resampling); the scores only decide which templates are resampled.
 */
export class ApeIterativeStrategy extends PoolThenLlmStrategy {
  private variations = 0;
  private askedVariation = false;

  constructor(params: ResolvedParams, context: StrategyContext = {}) {
    super("ape-iterative", params, context);
  }

  protected next(ctx: AskContext): LlmProposal | null {
    const count = num(this.params, "templatesPerCall");
    const seededFromPool = this.pool !== null && this.pool.name !== "none";
    const generating =
      ctx.history.length === 0 || (!seededFromPool && this.llmSteps < num(this.params, "generateSteps"));
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
    const top = topK(ctx.history, num(this.params, "k"));
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
