import { type AskContext, type LlmProposal, topK } from "@vlmopt/core";
import { llmProposal } from "../llm-proposal.js";
import { COMMON, num, type ParamSpec, type ResolvedParams } from "../params.js";
import { PoolThenLlmStrategy, type StrategyContext } from "../pool-then-llm.js";
import { prompt } from "../prompt-files.js";
import { taskPhrase } from "../strategy-helpers.js";

export const OPRO_PARAMS: readonly ParamSpec[] = [
  COMMON.iterations(10),
  {
    name: "k",
    default: 20,
    type: "int",
    min: 1,
    description: "best templates shown, in ascending order of score",
  },
  COMMON.n(4),
  COMMON.temperature(1),
  COMMON.maxTokens(256),
  COMMON.maxAttempts(3),
  COMMON.pool("captions"),
  COMMON.poolSize(),
  COMMON.poolPath(),
];

/**
 * OPRO (Yang et al., 2023): each step shows the best k (20) templates scored so far in ascending
 * order of score, with their scores, and asks for a new one that scores higher; `n` samples per
 * call (default 4) give several candidates per step, one per sample.
 */
export class OproStrategy extends PoolThenLlmStrategy {
  constructor(params: ResolvedParams, context: StrategyContext = {}) {
    super("opro", params, context);
  }

  protected next(ctx: AskContext): LlmProposal | null {
    if (ctx.history.length === 0) return null;
    const history = topK(ctx.history, num(this.params, "k"))
      .reverse()
      .map((s) => `text:\n${s.template}\nscore:\n${(s.trainAccuracy * 100).toFixed(1)}\n`)
      .join("\n");
    return llmProposal(
      this.params,
      `opro step ${this.llmSteps + 1}`,
      [{ role: "user", content: prompt("opro.txt", { task: taskPhrase(ctx.task), history }) }],
      1,
    );
  }
}
