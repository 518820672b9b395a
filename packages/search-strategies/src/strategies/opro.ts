import { type AskContext, defineStrategy, type LlmProposal, topK } from "@vlmopt/core";
import { z } from "zod";
import { llmProposal } from "../llm-proposal.js";
import { COMMON, poolFields } from "../params.js";
import { PoolThenLlmStrategy, type StrategyContext } from "../pool-then-llm.js";
import { prompt } from "../prompt-files.js";
import { taskPhrase } from "../strategy-helpers.js";

export const OPRO_PARAMS = z.object({
  iterations: COMMON.iterations(10),
  k: z.number().int().min(1).default(20).describe("best templates shown, in ascending order of score"),
  n: COMMON.n(4),
  temperature: COMMON.temperature(1),
  maxTokens: COMMON.maxTokens(256),
  maxAttempts: COMMON.maxAttempts(3),
  ...poolFields("captions"),
});

export type OproParams = z.infer<typeof OPRO_PARAMS>;

/**
 * OPRO (Yang et al., 2023): each step shows the best k (20) templates scored so far in ascending
 * order of score, with their scores, and asks for a new one that scores higher; `n` samples per
 * call (default 4) give several candidates per step, one per sample.
 */
export class OproStrategy extends PoolThenLlmStrategy<OproParams> {
  constructor(params: OproParams, context: StrategyContext = {}) {
    super("opro", params, context);
  }

  protected next(ctx: AskContext): LlmProposal | null {
    if (ctx.history.length === 0) return null;
    const history = topK(ctx.history, this.params.k)
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

export const oproPlugin = defineStrategy({
  specificationVersion: "v1",
  kind: "strategy",
  name: "opro",
  description: "OPRO: the best 20 templates in ascending order of score, several new candidates per step",
  params: OPRO_PARAMS,
  promptFiles: ["opro.txt"],
  create: (params, context) => new OproStrategy(params, context),
});
