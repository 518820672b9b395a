import {
  type AskContext,
  defineStrategy,
  type Proposal,
  promptClassName,
  promptSet,
  type Rng,
  type SearchStrategy,
  type StepOutcome,
} from "@vlmopt/core";
import { z } from "zod";
import { dclipText } from "../descriptions/class-descriptions.js";
import { WAFFLE_WORDS } from "../descriptions/waffle-words.js";

export const WAFFLE_PARAMS = z.object({
  descriptors: z
    .number()
    .int()
    .min(1)
    .max(200)
    .default(15)
    .describe(
      "random descriptors per class (WaffleCLIP's waffle_count; with mode both, that many of each kind)",
    ),
  mode: z
    .enum(["both", "words", "characters"])
    .default("both")
    .describe("random words, random character strings, or both (WaffleCLIP pairs one of each)"),
  sets: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(3)
    .describe("seeded random sets to score (the best is chosen)"),
  before: z
    .string()
    .default("A photo of a ")
    .describe("text before the class name (WaffleCLIP's label_before_text)"),
});

export type WaffleParams = z.infer<typeof WAFFLE_PARAMS>;

const CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * The shape WaffleCLIP gives its noise: as many words as the class names have on average, each
 * about as long as their words (waffle_tools.py, mode "waffle": avg_num_words, avg_word_length).
 */
export function noiseShape(classNames: readonly string[]): { words: number; length: number } {
  const split = classNames.map((c) => promptClassName(c).split(/\s+/).filter(Boolean));
  const mean = (xs: number[]) => (xs.length === 0 ? 1 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const words = Math.max(1, Math.round(mean(split.map((w) => w.length))));
  const length = Math.max(1, Math.round(mean(split.map((w) => mean(w.map((x) => x.length))))));
  return { words, length };
}

/** One seeded set of random descriptors, shared by every class as in WaffleCLIP. */
export function waffleDescriptors(rng: Rng, classNames: readonly string[], p: WaffleParams): string[] {
  const { words, length } = noiseShape(classNames);
  const word = () =>
    Array.from({ length: words }, () =>
      (WAFFLE_WORDS[rng.int(WAFFLE_WORDS.length)] as string).slice(0, length),
    ).join(" ");
  const chars = () =>
    Array.from({ length: words }, () =>
      Array.from({ length }, () => CHARACTERS[rng.int(CHARACTERS.length)] as string).join(""),
    ).join(" ");
  const out: string[] = [];
  for (let i = 0; i < p.descriptors; i++) {
    if (p.mode !== "characters") out.push(word());
    if (p.mode !== "words") out.push(chars());
  }
  return out;
}

/**
 * WaffleCLIP (Roth et al., "Waffling around for Performance", ICCV 2023): random word and random
 * character descriptors in DCLIP's "<class>, which has <descriptor>." form, the same random set for
 * every class, no LLM. Each step scores one seeded set (from the run's rng), `sets` steps in all.
 */
export class WaffleStrategy implements SearchStrategy {
  readonly specificationVersion = "v1" as const;
  readonly name = "waffle";
  readonly params: Readonly<Record<string, string | number | boolean | null>>;
  private done = 0;

  constructor(private readonly p: WaffleParams) {
    this.params = { ...p };
  }

  ask(ctx: AskContext): Proposal | null {
    if (this.done >= this.p.sets) return null;
    const descriptors = waffleDescriptors(ctx.rng, ctx.task.classNames, this.p);
    const prompts = Object.fromEntries(
      ctx.task.classNames.map((c) => [c, descriptors.map((d) => dclipText(c, d, this.p.before))]),
    );
    return {
      kind: "templates",
      templates: [promptSet(prompts)],
      source: "waffle",
      label: `waffle set ${this.done + 1} of ${this.p.sets} (${descriptors.length} descriptors per class)`,
    };
  }

  tell(_outcome: StepOutcome): void {
    this.done++;
  }
}

export const waffleStrategy = defineStrategy({
  specificationVersion: "v1",
  kind: "strategy",
  name: "waffle",
  description: "WaffleCLIP: seeded random word/character descriptors shared by all classes, no LLM",
  params: WAFFLE_PARAMS,
  create: (params) => new WaffleStrategy(params),
});
