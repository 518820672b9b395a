export { CAPTIONS_POOL } from "./data/captions-pool.js";
export { type ParamSpec, type ParamValue, type ResolvedParams, resolveParams } from "./params.js";
export {
  MAX_TEMPLATE_WORDS,
  normalizePlaceholder,
  type ParseTemplatesOptions,
  parseTemplates,
} from "./parse-templates.js";
export { PoolThenLlmStrategy, type StrategyContext } from "./pool-then-llm.js";
export { findOfficialPoolsFile, getPool, OFFICIAL_POOLS_FILE, POOLS, type PoolInfo } from "./pools.js";
export {
  loadPrompt,
  PROMPT_FILES,
  type PromptFile,
  prompt,
  promptsDir,
  renderPrompt,
} from "./prompt-files.js";
export {
  createStrategy,
  listStrategies,
  STRATEGIES,
  type StrategyEntry,
  type StrategyListing,
} from "./registry.js";
export { ApeStrategy } from "./strategies/ape.js";
export { ApeIterativeStrategy } from "./strategies/ape-iterative.js";
export { HillClimbStrategy } from "./strategies/hill-climb.js";
export { HillClimbCodeStrategy } from "./strategies/hill-climb-code.js";
export { OproStrategy } from "./strategies/opro.js";
export { RandomStrategy } from "./strategies/random.js";
export { bestAccuracy, InitialPool, percent, scoredLines, taskPhrase } from "./strategy-helpers.js";
