import type { StrategyPlugin } from "@vlmopt/core";
import { cuplStrategy } from "./strategies/cupl.js";
import { dclipStrategy } from "./strategies/dclip.js";
import { hillClimbDescriptionsStrategy } from "./strategies/hill-climb-descriptions.js";
import { waffleStrategy } from "./strategies/waffle.js";

/** The class-specific (per-class prompt set) strategies, as StrategyPlugin entries (zod parameters). */
export const DESCRIPTION_STRATEGIES: readonly StrategyPlugin[] = [
  waffleStrategy,
  dclipStrategy,
  cuplStrategy,
  hillClimbDescriptionsStrategy,
] as unknown as readonly StrategyPlugin[];
