import { ConfigError, type SearchStrategy, type StrategyContext, type StrategyPlugin } from "@vlmopt/core";
// plugins.ts imports this file too: strategyPlugins is only read when a function is called.
import { strategyPlugins } from "./plugins.js";
import { type ParamValue, paramListing, parseStrategyParams } from "./strategy-params.js";

/** The strategy named `name` among `plugins`, or a ConfigError listing their names. */
export function findStrategy(
  name: string,
  plugins: readonly StrategyPlugin[] = strategyPlugins,
): StrategyPlugin {
  const entry = plugins.find((s) => s.name === name);
  if (entry) return entry;
  throw new ConfigError(
    `unknown strategy ${JSON.stringify(name)}; valid strategies: ${plugins.map((s) => s.name).join(", ")}`,
    { hint: 'e.g. "hill-climb" (the paper\'s method) or "random" (the no-feedback baseline)' },
  );
}

/**
 * Builds a strategy by name. Raw params (numbers and booleans may be strings, as from a command
 * line) are checked against the strategy's zod schema; unknown names and bad values throw a
 * ConfigError naming the parameter and the valid values. `context.datasetName`, when given,
 * resolves per-dataset pools now so that a bad pool fails before the run starts.
 */
export function createStrategy(
  name: string,
  params: Record<string, unknown> = {},
  context: StrategyContext = {},
  plugins: readonly StrategyPlugin[] = strategyPlugins,
): SearchStrategy {
  const entry = findStrategy(name, plugins);
  return entry.create(parseStrategyParams(entry, params), context);
}

export interface StrategyListing {
  name: string;
  description: string;
  params: { name: string; default: ParamValue; description: string }[];
  promptFiles: readonly string[];
}

/** Every strategy with its parameters, defaults and descriptions (from the schemas), for listings. */
export function listStrategies(plugins: readonly StrategyPlugin[] = strategyPlugins): StrategyListing[] {
  return plugins.map((e) => ({
    name: e.name,
    description: e.description,
    params: paramListing(e.params),
    promptFiles: e.promptFiles ?? [],
  }));
}
