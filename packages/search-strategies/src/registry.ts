import { ConfigError, type SearchStrategy } from "@vlmopt/core";
import { DESCRIPTION_STRATEGIES } from "./description-strategies.js";
import { type ParamSpec, type ParamValue, type ResolvedParams, resolveParams } from "./params.js";
import type { StrategyContext } from "./pool-then-llm.js";
import { APE_PARAMS, ApeStrategy } from "./strategies/ape.js";
import { APE_ITERATIVE_PARAMS, ApeIterativeStrategy } from "./strategies/ape-iterative.js";
import { HILL_CLIMB_PARAMS, HillClimbStrategy } from "./strategies/hill-climb.js";
import { HILL_CLIMB_CODE_PARAMS, HillClimbCodeStrategy } from "./strategies/hill-climb-code.js";
import { OPRO_PARAMS, OproStrategy } from "./strategies/opro.js";
import { RANDOM_PARAMS, RandomStrategy } from "./strategies/random.js";
import { paramListing, parseStrategyParams } from "./strategy-params.js";

/** One registered strategy: its parameters and how to build it from resolved parameters. */
export interface StrategyEntry {
  name: string;
  description: string;
  params: readonly ParamSpec[];
  create(params: ResolvedParams, context: StrategyContext): SearchStrategy;
}

/** `params` with some defaults replaced (for aliases such as hill-climb-p). */
function withDefaults(specs: readonly ParamSpec[], defaults: Record<string, ParamValue>): ParamSpec[] {
  return specs.map((s) => (s.name in defaults ? { ...s, default: defaults[s.name] ?? null } : s));
}

/** Every strategy by name. Adding one = one file in src/strategies + one entry here. */
export const STRATEGIES: Readonly<Record<string, StrategyEntry>> = {
  "hill-climb": {
    name: "hill-climb",
    description:
      "the paper's conversational hill-climb: top-k/bottom-k with accuracies, then per-turn score feedback, restarts",
    params: HILL_CLIMB_PARAMS,
    create: (p, c) => new HillClimbStrategy(p, c, "hill-climb"),
  },
  "hill-climb-pn": {
    name: "hill-climb-pn",
    description:
      "hill-climb with positive and negative examples (P+N, the paper's default); alias of hill-climb",
    params: withDefaults(HILL_CLIMB_PARAMS, { variant: "pn" }),
    create: (p, c) => new HillClimbStrategy(p, c, "hill-climb-pn"),
  },
  "hill-climb-p": {
    name: "hill-climb-p",
    description:
      "hill-climb with positive examples only (P, the paper's ablation); hill-climb with variant=p",
    params: withDefaults(HILL_CLIMB_PARAMS, { variant: "p" }),
    create: (p, c) => new HillClimbStrategy(p, c, "hill-climb-p"),
  },
  "hill-climb-code": {
    name: "hill-climb-code",
    description:
      "the paper's released code: single-turn good/bad lists without scores, one better template, up to 15 attempts",
    params: HILL_CLIMB_CODE_PARAMS,
    create: (p, c) => new HillClimbCodeStrategy(p, c),
  },
  ape: {
    name: "ape",
    description: "Automatic Prompt Engineer: templates generated from the task description and class names",
    params: APE_PARAMS,
    create: (p, c) => new ApeStrategy(p, c),
  },
  "ape-iterative": {
    name: "ape-iterative",
    description: "iterative APE: variations of the current top-k templates, keeping their meaning",
    params: APE_ITERATIVE_PARAMS,
    create: (p, c) => new ApeIterativeStrategy(p, c),
  },
  random: {
    name: "random",
    description:
      "no-feedback baseline: LLM shown random scored templates without scores (or random pool samples)",
    params: RANDOM_PARAMS,
    create: (p, c) => new RandomStrategy(p, c),
  },
  opro: {
    name: "opro",
    description: "OPRO: the best 20 templates in ascending order of score, several new candidates per step",
    params: OPRO_PARAMS,
    create: (p, c) => new OproStrategy(p, c),
  },
};

/**
 * Builds a strategy by name. Raw params (numbers and booleans may be strings, as from a command
 * line) are checked against the strategy's specs; unknown names and bad values throw a
 * ConfigError naming the parameter and the valid values. `context.datasetName`, when given,
 * resolves per-dataset pools now so that a bad pool fails before the run starts.
 */
export function createStrategy(
  name: string,
  params: Record<string, unknown> = {},
  context: StrategyContext = {},
): SearchStrategy {
  const plugin = DESCRIPTION_STRATEGIES.find((s) => s.name === name);
  if (plugin) return plugin.create(parseStrategyParams(plugin, params), context);
  const entry = Object.hasOwn(STRATEGIES, name) ? STRATEGIES[name] : undefined;
  if (!entry) {
    throw new ConfigError(
      `unknown strategy ${JSON.stringify(name)}; valid strategies: ${[...Object.keys(STRATEGIES), ...DESCRIPTION_STRATEGIES.map((s) => s.name)].join(", ")}`,
      { hint: 'e.g. "hill-climb" (the paper\'s method) or "random" (the no-feedback baseline)' },
    );
  }
  return entry.create(resolveParams(name, entry.params, params), context);
}

export interface StrategyListing {
  name: string;
  description: string;
  params: { name: string; default: ParamValue; description: string }[];
}

/** Every strategy with its parameters, defaults and descriptions (for `--help`-style listings). */
export function listStrategies(): StrategyListing[] {
  return Object.values(STRATEGIES)
    .map((e) => ({
      name: e.name,
      description: e.description,
      params: e.params.map((p) => ({
        name: p.name,
        default: p.default,
        description: p.choices ? `${p.description} (one of: ${p.choices.join(", ")})` : p.description,
      })),
    }))
    .concat(
      DESCRIPTION_STRATEGIES.map((s) => ({
        name: s.name,
        description: s.description,
        params: paramListing(s.params),
      })),
    );
}
