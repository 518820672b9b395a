import { type AskContext, defineStrategy, type LlmProposal, type Rng, type TaskInfo } from "@vlmopt/core";
import { z } from "zod";
import { llmProposal } from "../llm-proposal.js";
import { COMMON, poolFields } from "../params.js";
import { PoolThenLlmStrategy, type StrategyContext } from "../pool-then-llm.js";
import { prompt } from "../prompt-files.js";
import { plural, taskPhrase } from "../strategy-helpers.js";

export const APE_PARAMS = z.object({
  iterations: COMMON.iterations(10),
  templatesPerCall: COMMON.templatesPerCall(5),
  classesShown: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe("class names shown as examples of the task (a random sample when there are more)"),
  temperature: COMMON.temperature(1),
  maxTokens: COMMON.maxTokens(512),
  maxAttempts: COMMON.maxAttempts(3),
  ...poolFields("none"),
  n: COMMON.n(1),
});

export type ApeParams = z.infer<typeof APE_PARAMS>;

/** The APE generation request: describe the task with class names, ask for `count` templates. */
export function apeGenerateProposal(
  params: ApeParams,
  task: TaskInfo,
  rng: Rng,
  count: number,
  label: string,
): LlmProposal {
  const shown = params.classesShown;
  const names = task.classNames.length > shown ? rng.sample(task.classNames, shown) : task.classNames.slice();
  const content = prompt("ape-generate.txt", {
    task: taskPhrase(task),
    description: task.description ? ` ${task.description}` : "",
    classes: names.map((c) => c.replace(/_/g, " ")).join(", "),
    count,
    templates: plural(count),
  });
  return llmProposal(params, label, [{ role: "user", content }], count);
}

/**
 * Automatic Prompt Engineer (Zhou et al., 2022), forward generation: each step shows the LLM the
 * task (dataset name, description, some class names) and asks for `templatesPerCall` templates;
 * everything is scored and the final choice keeps the best. No scores are fed back.
 */
export class ApeStrategy extends PoolThenLlmStrategy<ApeParams> {
  constructor(params: ApeParams, context: StrategyContext = {}) {
    super("ape", params, context);
  }

  protected next(ctx: AskContext): LlmProposal | null {
    return apeGenerateProposal(
      this.params,
      ctx.task,
      ctx.rng,
      this.params.templatesPerCall,
      `ape generation ${this.llmSteps + 1}`,
    );
  }
}

export const apePlugin = defineStrategy({
  specificationVersion: "v1",
  kind: "strategy",
  name: "ape",
  description: "Automatic Prompt Engineer: templates generated from the task description and class names",
  params: APE_PARAMS,
  promptFiles: ["ape-generate.txt"],
  create: (params, context) => new ApeStrategy(params, context),
});
