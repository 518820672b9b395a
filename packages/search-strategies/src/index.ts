export { CAPTIONS_POOL } from "./data/captions-pool.js";
export { COMMON, type LlmStepParams, type PoolThenLlmParams, poolFields } from "./params.js";
export {
  MAX_TEMPLATE_WORDS,
  normalizePlaceholder,
  type ParseTemplatesOptions,
  parseTemplates,
} from "./parse-templates.js";
export { STRATEGIES, strategyPlugins } from "./plugins.js";
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
  findStrategy,
  listStrategies,
  type StrategyListing,
} from "./registry.js";
export { APE_PARAMS, type ApeParams, ApeStrategy, apePlugin } from "./strategies/ape.js";
export {
  APE_ITERATIVE_PARAMS,
  type ApeIterativeParams,
  ApeIterativeStrategy,
  apeIterativePlugin,
} from "./strategies/ape-iterative.js";
export {
  HILL_CLIMB_PARAMS,
  type HillClimbParams,
  HillClimbStrategy,
  hillClimbPlugins,
  hillClimbVariant,
} from "./strategies/hill-climb.js";
export {
  HILL_CLIMB_CODE_PARAMS,
  type HillClimbCodeParams,
  HillClimbCodeStrategy,
  hillClimbCodePlugin,
} from "./strategies/hill-climb-code.js";
export { OPRO_PARAMS, type OproParams, OproStrategy, oproPlugin } from "./strategies/opro.js";
export { RANDOM_PARAMS, type RandomParams, RandomStrategy, randomPlugin } from "./strategies/random.js";
export { bestAccuracy, InitialPool, percent, scoredLines, taskPhrase } from "./strategy-helpers.js";
export { describeValid, type ParamValue, paramListing, parseStrategyParams } from "./strategy-params.js";
