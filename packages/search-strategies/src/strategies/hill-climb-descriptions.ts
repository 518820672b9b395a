import {
  type AskContext,
  defineStrategy,
  type LlmMessage,
  type Proposal,
  promptClassName,
  promptSet,
  type ScoredTemplate,
  type SearchStrategy,
  type StepOutcome,
  templatePromptSet,
} from "@vlmopt/core";
import { z } from "zod";
import { llmCallFields } from "../descriptions/batched-descriptions.js";
import {
  classesBlock,
  parseClassDescriptions,
  SECTION_INSTRUCTION,
} from "../descriptions/class-descriptions.js";
import { percent, taskPhrase } from "../strategy-helpers.js";

export const HILL_CLIMB_DESCRIPTIONS_PARAMS = z.object({
  iterations: z
    .number()
    .int()
    .min(1)
    .max(500)
    .default(10)
    .describe("conversation turns (LLM calls) after the start"),
  classesPerTurn: z
    .number()
    .int()
    .min(1)
    .max(50)
    .default(3)
    .describe("most-confused classes shown and rewritten per turn"),
  descriptionsPerClass: z
    .number()
    .int()
    .min(1)
    .max(30)
    .default(3)
    .describe("new descriptions asked per class"),
  initialTemplate: z
    .string()
    .default("a photo of a {}.")
    .describe("the starting point: this template as a prompt set (one text per class)"),
  memory: z.number().int().min(0).max(20).default(3).describe("earlier turns kept in the conversation"),
  ...llmCallFields({
    temperature: { default: 1, describe: "sampling temperature" },
    maxTokens: 1024,
    attempts: "LLM calls per turn until a reply gives a new set",
  }),
});

export type HillClimbDescriptionsParams = z.infer<typeof HILL_CLIMB_DESCRIPTIONS_PARAMS>;

/** The best scored entry that is a prompt set with train details (the hill-climb's current point). */
function bestSet(history: readonly ScoredTemplate[]): ScoredTemplate | null {
  let best: ScoredTemplate | null = null;
  for (const h of history)
    if (h.prompts && h.details && (!best || h.trainAccuracy > best.trainAccuracy)) best = h;
  return best;
}

/**
 * The paper's conversational hill-climb (Liu et al., CVPR 2024) applied to per-class
 * descriptions. The start is `initialTemplate` as a prompt set. Each turn shows the LLM the
 * `classesPerTurn` classes with the lowest train accuracy under the best set so far (ties: the
 * one most often mistaken for another first), with their current descriptions, their accuracy
 * and the classes they are confused with, and asks for better descriptions of those classes; the
 * new set is the best one with those classes rewritten. The turn's score is fed back in the next
 * turn, and the last `memory` turns stay in the conversation.
 */
export class HillClimbDescriptionsStrategy implements SearchStrategy {
  readonly specificationVersion = "v1" as const;
  readonly name = "hill-climb-descriptions";
  readonly wantsScoreDetails = true;
  readonly params: Readonly<Record<string, string | number | boolean | null>>;
  private turns = 0;
  private readonly conversation: LlmMessage[] = [];
  private feedback: string | null = null;

  constructor(private readonly p: HillClimbDescriptionsParams) {
    this.params = { ...p };
  }

  /** The classes to rewrite: lowest accuracy first, then most confused, then label order. */
  static worstClasses(entry: ScoredTemplate, classNames: readonly string[], count: number): number[] {
    const details = entry.details;
    if (!details) return [];
    const confusedCount = (c: number) =>
      details.confused.filter((x) => x.actual === c).reduce((s, x) => s + x.count, 0);
    return classNames
      .map((_, c) => c)
      .filter((c) => details.perClass[c] !== null && details.perClass[c] !== undefined)
      .sort(
        (a, b) =>
          (details.perClass[a] as number) - (details.perClass[b] as number) ||
          confusedCount(b) - confusedCount(a) ||
          a - b,
      )
      .slice(0, count);
  }

  ask(ctx: AskContext): Proposal | null {
    const { classNames } = ctx.task;
    if (ctx.history.length === 0 || (this.turns === 0 && !bestSet(ctx.history))) {
      if (ctx.step > 0) return null;
      return {
        kind: "templates",
        templates: [templatePromptSet(this.p.initialTemplate, classNames)],
        source: "pool",
        label: "start: the initial template as a prompt set",
      };
    }
    if (this.turns >= this.p.iterations) return null;
    const best = bestSet(ctx.history);
    if (!best?.prompts || !best.details) return null;
    const worst = HillClimbDescriptionsStrategy.worstClasses(best, classNames, this.p.classesPerTurn);
    if (worst.length === 0) return null;
    const names = worst.map((c) => classNames[c] as string);
    const sections = worst.map((c) => {
      const name = classNames[c] as string;
      const confused = (best.details?.confused ?? [])
        .filter((x) => x.actual === c)
        .map(
          (x) => `${promptClassName(classNames[x.predicted] as string)} (${percent(x.share)} of its images)`,
        );
      return [
        `### ${promptClassName(name)} — accuracy ${percent(best.details?.perClass[c] ?? 0)}${confused.length ? `; mistaken for ${confused.join(", ")}` : ""}`,
        ...(best.prompts?.[name] ?? []).map((t) => `- ${t}`),
      ].join("\n");
    });
    const content = [
      ...(this.feedback ? [this.feedback, ""] : []),
      `Each class${taskPhrase(ctx.task)} is recognised by CLIP from a set of text descriptions (the class embedding is the mean of their embeddings). With the current descriptions the whole set scores ${percent(best.trainAccuracy)} on the few-shot images. These classes are recognised worst:`,
      "",
      sections.join("\n\n"),
      "",
      `Write ${this.p.descriptionsPerClass} new descriptions for each of these classes that tell it apart from the classes it is mistaken for. Each description must name the class and be one short sentence.`,
      SECTION_INSTRUCTION,
      "",
      classesBlock(names),
    ].join("\n");
    const kept = this.conversation.slice(Math.max(0, this.conversation.length - 2 * this.p.memory));
    const messages: LlmMessage[] = [...kept, { role: "user", content }];
    return {
      kind: "llm",
      label: `hill-climb-descriptions turn ${this.turns + 1}: ${names.map(promptClassName).join(", ")}`,
      request: { messages, temperature: this.p.temperature, maxTokens: this.p.maxTokens },
      maxAttempts: this.p.maxAttempts,
      parse: (texts) => {
        const out = [];
        for (const t of texts) {
          const got = parseClassDescriptions(t, names, this.p.descriptionsPerClass);
          if (got.size === 0) continue;
          const prompts: Record<string, readonly string[]> = { ...best.prompts };
          for (const [c, d] of got) prompts[c] = d;
          out.push(promptSet(prompts));
        }
        return out;
      },
    };
  }

  tell(outcome: StepOutcome): void {
    if (outcome.request === undefined) return; // the start
    this.turns++;
    const last = outcome.request.messages[outcome.request.messages.length - 1];
    if (last) this.conversation.push(last, { role: "assistant", content: outcome.replies[0] ?? "" });
    const scored = outcome.scored[0];
    this.feedback = scored
      ? `Your descriptions gave a set that scores ${percent(scored.trainAccuracy)}.`
      : "Your reply gave no usable new descriptions.";
  }
}

export const hillClimbDescriptionsStrategy = defineStrategy({
  specificationVersion: "v1",
  kind: "strategy",
  name: "hill-climb-descriptions",
  description:
    "the paper's conversational hill-climb on per-class descriptions: each turn rewrites the most-confused classes",
  params: HILL_CLIMB_DESCRIPTIONS_PARAMS,
  create: (params) => new HillClimbDescriptionsStrategy(params),
});
