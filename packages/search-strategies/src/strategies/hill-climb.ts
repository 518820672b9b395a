import {
  type AskContext,
  bottomK,
  ConfigError,
  defineStrategy,
  type LlmMessage,
  type LlmProposal,
  type ShownImage,
  type StepOutcome,
  topK,
} from "@vlmopt/core";
import { z } from "zod";
import { llmProposal } from "../llm-proposal.js";
import { COMMON, llmFields, poolFields } from "../params.js";
import { PoolThenLlmStrategy, type StrategyContext } from "../pool-then-llm.js";
import { prompt } from "../prompt-files.js";
import { bestAccuracy, percent, plural, scoredLines, taskPhrase } from "../strategy-helpers.js";

/** The opening message's variant: "pn" top-k and bottom-k (P+N), "p" top-k only (P). */
export const hillClimbVariant = (d: "pn" | "p") =>
  z
    .enum(["pn", "p"])
    .default(d)
    .describe('what the opening message shows: "pn" top-k and bottom-k (P+N), "p" top-k only (P)');

export const HILL_CLIMB_PARAMS = z.object({
  variant: hillClimbVariant("pn"),
  iterations: COMMON.iterations(10),
  k: COMMON.k(3),
  templatesPerCall: COMMON.templatesPerCall(1),
  ...llmFields(256),
  restartAfter: z
    .number()
    .int()
    .min(0)
    .default(3)
    .describe(
      "turns without a new best after which a fresh conversation starts from the current top/bottom (0: never)",
    ),
  contextTurns: z
    .number()
    .int()
    .min(1)
    .default(8)
    .describe("exchanges kept after the opening message when the conversation gets long"),
  ...poolFields("captions"),
  n: COMMON.n(1),
  showImages: z
    .number()
    .int()
    .min(0)
    .max(20)
    .optional()
    .describe(
      "training images (labelled with their class, from the classes the best template gets most wrong) attached to each turn; needs a provider that accepts images",
    ),
});

export type HillClimbParams = z.infer<typeof HILL_CLIMB_PARAMS>;

/**
 * The paper's conversational hill-climb. Step 0 scores the initial pool; every later step is one
 * turn of a chat: the opening message shows the top-k templates ("prompts that work well") and —
 * in the P+N variant — the bottom-k ("prompts that don't work well") with their accuracies; each
 * later message reports the last template's score ("the performance now improves to X%" /
 * "drops to X%", compared with the score reported one turn before) and asks for a better one.
 * After `restartAfter` turns without a new best the chat starts afresh from the current
 * top/bottom; the request keeps the opening message plus the last `contextTurns` exchanges.
 */
export class HillClimbStrategy extends PoolThenLlmStrategy<HillClimbParams> {
  /** Opening message followed by (assistant, user) pairs; null: start a fresh conversation. */
  private conversation: LlmMessage[] | null = null;
  /** Score the last message reported (the opening's best template at first). */
  private reference = Number.NEGATIVE_INFINITY;
  private best = Number.NEGATIVE_INFINITY;
  private stale = 0;
  /** Conversations started (1 + restarts). */
  private conversations = 0;

  constructor(params: HillClimbParams, context: StrategyContext = {}, name = "hill-climb") {
    super(name, params, context);
    if (params.pool === "none") {
      throw new ConfigError(`strategy "${name}" needs an initial pool to climb from, but pool is "none"`, {
        hint: 'use pool "captions", "basic", "imagenet80", "hand-engineered" or "coop"',
      });
    }
  }

  /** Images each turn shows (`showImages`). */
  get imagesPerCall(): number {
    return this.params.showImages ?? 0;
  }

  /** Showing images needs each template's per-class train accuracy (the most-confused classes). */
  get wantsScoreDetails(): boolean {
    return this.imagesPerCall > 0;
  }

  /**
   * The turn's `showImages` training images: one per class, the classes the best template
   * scores lowest on first (label order on ties or without per-class scores), each class's
   * images taken in turn so later turns show others.
   */
  private shownImages(ctx: AskContext): ShownImage[] {
    const k = this.imagesPerCall;
    const train = ctx.trainImages ?? [];
    if (k === 0 || train.length === 0) return [];
    const perClass = topK(ctx.history, 1)[0]?.details?.perClass;
    const byClass = new Map<number, string[]>();
    for (const image of train) byClass.set(image.label, [...(byClass.get(image.label) ?? []), image.path]);
    const classes = [...byClass.keys()].sort((a, b) => (perClass?.[a] ?? 1) - (perClass?.[b] ?? 1) || a - b);
    const out: ShownImage[] = [];
    for (let i = 0; i < k; i++) {
      const c = classes[i % classes.length] as number;
      const paths = byClass.get(c) as string[];
      const round = this.llmSteps + Math.floor(i / classes.length);
      const name = ctx.task.classNames[c] ?? String(c);
      out.push({ path: paths[round % paths.length] as string, label: name.replace(/_/g, " ") });
    }
    return out;
  }

  private get count(): number {
    return this.params.templatesPerCall;
  }

  private opening(ctx: AskContext): LlmMessage {
    const k = this.params.k;
    const good = topK(ctx.history, k);
    const goodIds = new Set(good.map((s) => s.id));
    const bad = bottomK(ctx.history, k).filter((s) => !goodIds.has(s.id));
    const common = {
      task: taskPhrase(ctx.task),
      good: scoredLines(good),
      count: this.count,
      templates: plural(this.count),
    };
    const content =
      this.params.variant === "p"
        ? prompt("hill-climb-initial-p.txt", common)
        : prompt("hill-climb-initial.txt", {
            ...common,
            bad: bad.length > 0 ? scoredLines(bad) : "(none yet)",
          });
    return { role: "user", content };
  }

  /** Opening message plus the last `contextTurns` exchanges. */
  private window(conversation: readonly LlmMessage[]): LlmMessage[] {
    const keep = 2 * this.params.contextTurns;
    const [first, ...rest] = conversation;
    if (!first) return [];
    return rest.length <= keep ? [first, ...rest] : [first, ...rest.slice(rest.length - keep)];
  }

  protected next(ctx: AskContext): LlmProposal | null {
    if (ctx.history.length === 0) return null;
    // A fresh conversation is built here from the history (the same history on a re-play) and
    // kept from the first ask; tell() only appends to it.
    if (this.conversation === null) {
      this.conversation = [this.opening(ctx)];
      this.reference = bestAccuracy(topK(ctx.history, 1));
      this.conversations++;
    }
    const proposal = llmProposal(
      this.params,
      `hill-climb turn ${(this.conversation.length + 1) >> 1} of conversation ${this.conversations}`,
      this.window(this.conversation),
      this.count,
    );
    const images = this.shownImages(ctx);
    return images.length > 0 ? { ...proposal, images } : proposal;
  }

  protected override poolScored(outcome: StepOutcome): void {
    this.best = bestAccuracy(outcome.history);
  }

  protected override told(outcome: StepOutcome): void {
    if (this.conversation === null) return;
    const count = this.count;
    const templates = plural(count);
    if (outcome.scored.length === 0) {
      // Nothing new: say so in the chat (a provider's reply cache would otherwise repeat the reply).
      this.conversation.push(
        { role: "assistant", content: outcome.replies[0] ?? "" },
        { role: "user", content: prompt("hill-climb-no-template.txt", { count, templates }) },
      );
      this.stale++;
    } else {
      const stepBest = bestAccuracy(outcome.scored);
      const top = outcome.scored.find((s) => s.trainAccuracy === stepBest);
      const replyIndex = Math.max(
        0,
        outcome.replies.findIndex((r) => top !== undefined && r.includes(top.template)),
      );
      const change =
        stepBest > this.reference ? "improves to" : stepBest < this.reference ? "drops to" : "stays at";
      const details =
        outcome.scored.length > 1
          ? `Accuracy of each: ${outcome.scored.map((s) => `${s.template} (${percent(s.trainAccuracy)})`).join("; ")}. `
          : "";
      this.conversation.push(
        { role: "assistant", content: outcome.replies[replyIndex] ?? "" },
        {
          role: "user",
          content: prompt("hill-climb-feedback.txt", {
            details,
            change,
            accuracy: percent(stepBest),
            count,
            templates,
          }),
        },
      );
      this.reference = stepBest;
      if (stepBest > this.best) {
        this.best = stepBest;
        this.stale = 0;
      } else {
        this.stale++;
      }
    }
    const restartAfter = this.params.restartAfter;
    if (restartAfter > 0 && this.stale >= restartAfter) {
      this.conversation = null;
      this.stale = 0;
    }
  }
}

const HILL_CLIMB_PROMPTS = [
  "hill-climb-initial.txt",
  "hill-climb-initial-p.txt",
  "hill-climb-feedback.txt",
  "hill-climb-no-template.txt",
];

/** hill-climb under `name`, its `variant` defaulting to `variant` (the -pn / -p aliases). */
function hillClimbPlugin(name: string, variant: "pn" | "p", description: string) {
  return defineStrategy({
    specificationVersion: "v1",
    kind: "strategy",
    name,
    description,
    params: HILL_CLIMB_PARAMS.extend({ variant: hillClimbVariant(variant) }),
    promptFiles: HILL_CLIMB_PROMPTS,
    create: (params, context) => new HillClimbStrategy(params, context, name),
  });
}

export const hillClimbPlugins = [
  hillClimbPlugin(
    "hill-climb",
    "pn",
    "the paper's conversational hill-climb: top-k/bottom-k with accuracies, then per-turn score feedback, restarts",
  ),
  hillClimbPlugin(
    "hill-climb-pn",
    "pn",
    "hill-climb with positive and negative examples (P+N, the paper's default); alias of hill-climb",
  ),
  hillClimbPlugin(
    "hill-climb-p",
    "p",
    "hill-climb with positive examples only (P, the paper's ablation); hill-climb with variant=p",
  ),
] as const;
