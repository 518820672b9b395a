import { type AskContext, defineStrategy, type Proposal } from "@vlmopt/core";
import { z } from "zod";
import { llmProposal } from "../llm-proposal.js";
import { COMMON, poolFields } from "../params.js";
import { PoolThenLlmStrategy, type StrategyContext } from "../pool-then-llm.js";
import { prompt } from "../prompt-files.js";
import { plural, taskPhrase } from "../strategy-helpers.js";

export const RANDOM_PARAMS = z.object({
  mode: z
    .enum(["llm", "pool"])
    .default("llm")
    .describe(
      '"llm": after the pool, ask the LLM for new templates shown k random scored ones without scores; "pool": score random unscored pool templates (no LLM)',
    ),
  iterations: COMMON.iterations(10),
  k: COMMON.k(3),
  templatesPerCall: COMMON.templatesPerCall(1),
  temperature: COMMON.temperature(1),
  maxTokens: COMMON.maxTokens(256),
  maxAttempts: COMMON.maxAttempts(3),
  ...poolFields("captions"),
  n: COMMON.n(1),
});

export type RandomParams = z.infer<typeof RANDOM_PARAMS>;

/**
 * The no-feedback baseline. Mode "llm" (default): score the initial pool, then each step shows
 * the LLM k templates drawn uniformly at random from everything scored — without scores — and
 * asks for new ones, so it spends the same LLM calls as hill-climb but never learns which
 * templates did well. Mode "pool": each step scores `templatesPerCall` random pool templates not
 * scored yet (no LLM calls; use it with `poolSize` or a large pool).
 */
export class RandomStrategy extends PoolThenLlmStrategy<RandomParams> {
  constructor(params: RandomParams, context: StrategyContext = {}) {
    super("random", params, context);
    // Pool mode draws from the pool step by step instead of scoring it all first.
    if (params.mode === "pool") this.poolDone = true;
  }

  protected next(ctx: AskContext): Proposal | null {
    const count = this.params.templatesPerCall;
    if (this.params.mode === "pool") {
      const unscored = (this.pool?.templates(ctx.task.datasetName) ?? []).filter(
        (t) => !ctx.history.some((s) => s.template === t),
      );
      if (unscored.length === 0) return null;
      return {
        kind: "templates",
        templates: ctx.rng.sample(unscored, count),
        source: "pool",
        label: `random pool sample ${this.llmSteps + 1}`,
      };
    }
    if (ctx.history.length === 0) return null;
    const examples = ctx.rng
      .sample(ctx.history, this.params.k)
      .map((s) => `- ${s.template}`)
      .join("\n");
    const content = prompt("random-llm.txt", {
      task: taskPhrase(ctx.task),
      examples,
      count,
      templates: plural(count),
    });
    return llmProposal(this.params, `random step ${this.llmSteps + 1}`, [{ role: "user", content }], count);
  }
}

export const randomPlugin = defineStrategy({
  specificationVersion: "v1",
  kind: "strategy",
  name: "random",
  description:
    "no-feedback baseline: LLM shown random scored templates without scores (or random pool samples)",
  params: RANDOM_PARAMS,
  promptFiles: ["random-llm.txt"],
  create: (params, context) => new RandomStrategy(params, context),
});
