/**
 * The built-in strategy entries, and the zod parameter helpers the registry uses. A new strategy
 * = one file in src/strategies/ exporting its entry, plus one line in this list.
 */
import type { StrategyPlugin } from "@vlmopt/core";
import { apePlugin } from "./strategies/ape.js";
import { apeIterativePlugin } from "./strategies/ape-iterative.js";
import { cuplStrategy } from "./strategies/cupl.js";
import { dclipStrategy } from "./strategies/dclip.js";
import { hillClimbPlugins } from "./strategies/hill-climb.js";
import { hillClimbCodePlugin } from "./strategies/hill-climb-code.js";
import { hillClimbDescriptionsStrategy } from "./strategies/hill-climb-descriptions.js";
import { oproPlugin } from "./strategies/opro.js";
import { proapoStrategy } from "./strategies/proapo.js";
import { randomPlugin } from "./strategies/random.js";
import { waffleStrategy } from "./strategies/waffle.js";

export const strategyPlugins: readonly StrategyPlugin[] = [
  ...hillClimbPlugins,
  hillClimbCodePlugin,
  apePlugin,
  apeIterativePlugin,
  randomPlugin,
  oproPlugin,
  waffleStrategy,
  dclipStrategy,
  cuplStrategy,
  hillClimbDescriptionsStrategy,
  proapoStrategy,
];

/** Every built-in strategy by name. */
export const STRATEGIES: Readonly<Record<string, StrategyPlugin>> = Object.fromEntries(
  strategyPlugins.map((s) => [s.name, s]),
);

export { createStrategy, findStrategy, listStrategies, type StrategyListing } from "./registry.js";
export { describeValid, type ParamValue, paramListing, parseStrategyParams } from "./strategy-params.js";
