import { type AskContext, bottomK, defineStrategy, type LlmProposal, topK } from "@vlmopt/core";
import { z } from "zod";
import { llmProposal } from "../llm-proposal.js";
import { COMMON, poolFields } from "../params.js";
import { PoolThenLlmStrategy, type StrategyContext } from "../pool-then-llm.js";
import { prompt } from "../prompt-files.js";

export const HILL_CLIMB_CODE_PARAMS = z.object({
  iterations: COMMON.iterations(10),
  k: COMMON.k(3),
  templatesPerCall: COMMON.templatesPerCall(1),
  temperature: COMMON.temperature(1),
  maxTokens: COMMON.maxTokens(256),
  maxAttempts: COMMON.maxAttempts(15),
  ...poolFields("captions"),
});

export type HillClimbCodeParams = z.infer<typeof HILL_CLIMB_CODE_PARAMS>;

/**
 * The hill-climb of the paper's released code (`auto_prompt_image_classification.py`, prompt
 * `method_1`): each step is a fresh single-turn message listing the top-k "good" templates (best
 * first) and the bottom-k "bad" ones (worst first) without scores, asking for one better template;
 * up to 15 calls until a reply yields a new template; templates scored before are skipped.
 */
export class HillClimbCodeStrategy extends PoolThenLlmStrategy<HillClimbCodeParams> {
  constructor(params: HillClimbCodeParams, context: StrategyContext = {}) {
    super("hill-climb-code", params, context);
  }

  protected next(ctx: AskContext): LlmProposal | null {
    if (ctx.history.length === 0) return null;
    const k = this.params.k;
    const count = this.params.templatesPerCall;
    const lines = (items: { template: string }[]) => items.map((s) => s.template).join("\n");
    const content = prompt("hill-climb-code.txt", {
      count,
      good: lines(topK(ctx.history, k)),
      bad: lines(bottomK(ctx.history, k)),
    });
    return llmProposal(
      this.params,
      `hill-climb-code step ${this.llmSteps + 1}`,
      [{ role: "user", content }],
      count,
      1,
    );
  }
}

export const hillClimbCodePlugin = defineStrategy({
  specificationVersion: "v1",
  kind: "strategy",
  name: "hill-climb-code",
  description:
    "the paper's released code: single-turn good/bad lists without scores, one better template, up to 15 attempts",
  params: HILL_CLIMB_CODE_PARAMS,
  promptFiles: ["hill-climb-code.txt"],
  create: (params, context) => new HillClimbCodeStrategy(params, context),
});
