export { extractTemplates } from "@vlmopt/core";
export {
  ANTHROPIC_DEFAULT_BASE_URL,
  AnthropicProvider,
  type AnthropicProviderOptions,
} from "./anthropic-provider.js";
export {
  AZURE_OPENAI_DEFAULT_API_VERSION,
  type AzureOpenAISpec,
  azureOpenAIPlugin,
} from "./azure-openai.js";
export {
  BedrockProvider,
  type BedrockProviderOptions,
  bedrockPlugin,
  bedrockPrice,
} from "./bedrock-provider.js";
export { createLimiter, type Limiter } from "./concurrency.js";
export {
  checkCredentials,
  checkProviderSpec,
  createProvider,
  OPENAI_COMPATIBLE_PRESETS,
  type ParsedProviderSpec,
  PROVIDER_SPEC_FORMS,
  type ProviderOptions,
  parseProviderSpec,
  priceOfSpec,
  requiredEnv,
} from "./create-provider.js";
export { GoogleProvider, type GoogleProviderOptions, googlePlugin } from "./google-provider.js";
export { HOSTED_PRESETS, type HostedPreset, hostedPresetsPlugin } from "./hosted-presets.js";
export type { HttpProviderOptions } from "./http-provider-options.js";
export { LlamaCppProvider, type LlamaCppProviderOptions, templateListGrammar } from "./llama-cpp-provider.js";
export {
  encodeLlmImage,
  IMAGE_MAX_EDGE,
  llmImageLoader,
  refuseImages,
  requestImageTokens,
} from "./llm-images.js";
export { OPENAI_DEFAULT_BASE_URL, OpenAIProvider, type OpenAIProviderOptions } from "./openai-provider.js";
export {
  checkLlmSpec,
  createFromLlmSpec,
  invalidLlmSpec,
  llmPrefixOf,
  llmProviderPlugins,
  llmSpecForms,
  type MatchedLlmSpec,
  matchLlmSpec,
  type OpenAICompatibleSpec,
  openaiCompatiblePreset,
  requireRest,
} from "./plugins.js";
export { PRICES, type PriceTable, priceFor } from "./prices.js";
export { checkProviderPaths } from "./provider-paths.js";
export { ReplayProvider } from "./replay-provider.js";
export { type ReplyCacheOptions, replyCacheKey, withReplyCache } from "./reply-cache.js";
export {
  parseRetryAfter,
  type RetryEvent,
  type RetryOptions,
  retryDelayMs,
  retryReason,
  withRetries,
} from "./retry.js";
export { mapSdkError, redact, type SdkErrorClasses } from "./sdk-errors.js";
export {
  editTemplate,
  SIMULATED_VOCABULARY,
  SimulatedProvider,
  type SimulatedProviderOptions,
} from "./simulated-provider.js";
