import { type AskContext, bottomK, type LlmProposal, topK } from "@vlmopt/core";
import { llmProposal } from "../llm-proposal.js";
import { COMMON, num, type ParamSpec, type ResolvedParams } from "../params.js";
import { PoolThenLlmStrategy, type StrategyContext } from "../pool-then-llm.js";
import { prompt } from "../prompt-files.js";

export const HILL_CLIMB_CODE_PARAMS: readonly ParamSpec[] = [
  COMMON.iterations(10),
  COMMON.k(3),
  COMMON.templatesPerCall(1),
  COMMON.temperature(1),
  COMMON.maxTokens(256),
  COMMON.maxAttempts(15),
  COMMON.pool("captions"),
  COMMON.poolSize(),
  COMMON.poolPath(),
];

/**
 * The hill-climb of the paper's released code (`auto_prompt_image_classification.py`, prompt
 * `method_1`): each step is a fresh single-turn message listing the top-k "good" templates (best
 * first) and the bottom-k "bad" ones (worst first) without scores, asking for one better template;
 * up to 15 calls until a reply yields a new template; templates scored before are skipped.
 */
export class HillClimbCodeStrategy extends PoolThenLlmStrategy {
  constructor(params: ResolvedParams, context: StrategyContext = {}) {
    super("hill-climb-code", params, context);
  }

  protected next(ctx: AskContext): LlmProposal | null {
    if (ctx.history.length === 0) return null;
    const k = num(this.params, "k");
    const count = num(this.params, "templatesPerCall");
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
