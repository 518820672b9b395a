import type { AskContext, LlmProposal, Rng, TaskInfo } from "@vlmopt/core";
import { llmProposal } from "../llm-proposal.js";
import { COMMON, num, type ParamSpec, type ResolvedParams } from "../params.js";
import { PoolThenLlmStrategy, type StrategyContext } from "../pool-then-llm.js";
import { prompt } from "../prompt-files.js";
import { plural, taskPhrase } from "../strategy-helpers.js";

export const APE_PARAMS: readonly ParamSpec[] = [
  COMMON.iterations(10),
  COMMON.templatesPerCall(5),
  {
    name: "classesShown",
    default: 10,
    type: "int",
    min: 1,
    description: "class names shown as examples of the task (a random sample when there are more)",
  },
  COMMON.temperature(1),
  COMMON.maxTokens(512),
  COMMON.maxAttempts(3),
  COMMON.pool("none"),
  COMMON.poolSize(),
  COMMON.poolPath(),
  COMMON.n(1),
];

/** The APE generation request: describe the task with class names, ask for `count` templates. */
export function apeGenerateProposal(
  params: ResolvedParams,
  task: TaskInfo,
  rng: Rng,
  count: number,
  label: string,
): LlmProposal {
  const shown = num(params, "classesShown");
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
export class ApeStrategy extends PoolThenLlmStrategy {
  constructor(params: ResolvedParams, context: StrategyContext = {}) {
    super("ape", params, context);
  }

  protected next(ctx: AskContext): LlmProposal | null {
    return apeGenerateProposal(
      this.params,
      ctx.task,
      ctx.rng,
      num(this.params, "templatesPerCall"),
      `ape generation ${this.llmSteps + 1}`,
    );
  }
}
