import { azureOpenAIPlugin } from "./azure-openai.js";
import { bedrockPlugin } from "./bedrock-provider.js";
import { googlePlugin } from "./google-provider.js";
import { hostedPresetsPlugin } from "./hosted-presets.js";
import type { LlmProviderEntry } from "./provider-entry.js";

/**
 * The providers of issue #20 as plugin entries (a light module: no SDK is imported here). Until
 * the registry lands, create-provider.ts resolves specs against this list.
 */
export const NEW_PROVIDER_ENTRIES: readonly LlmProviderEntry[] = [
  hostedPresetsPlugin as LlmProviderEntry,
  googlePlugin as LlmProviderEntry,
  azureOpenAIPlugin as LlmProviderEntry,
  bedrockPlugin as LlmProviderEntry,
];
