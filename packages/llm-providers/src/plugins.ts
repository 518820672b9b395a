/**
 * The built-in LLM provider entries. A light module: it imports no SDK, no native addon (each
 * entry imports its provider inside `create()`). A new provider = one file in src/plugins/ plus
 * one line here.
 */
import type { LlmProviderPlugin } from "@vlmopt/core";
import { azureOpenAIPlugin } from "./azure-openai.js";
import { bedrockPlugin } from "./bedrock-provider.js";
import { googlePlugin } from "./google-provider.js";
import { hostedPresetsPlugin } from "./hosted-presets.js";
import { anthropicPlugin } from "./plugins/anthropic.js";
import { llamaCppPlugin } from "./plugins/llama-cpp.js";
import { openaiPlugin } from "./plugins/openai.js";
import {
  OPENAI_COMPATIBLE_PRESETS as LOCAL,
  openaiCompatiblePlugin,
  openaiCompatiblePreset,
} from "./plugins/openai-compatible.js";
import { replayPlugin } from "./plugins/replay.js";
import { simulatedPlugin } from "./plugins/simulated.js";

export const llmProviderPlugins: readonly LlmProviderPlugin[] = [
  anthropicPlugin,
  openaiPlugin,
  openaiCompatiblePlugin,
  openaiCompatiblePreset("ollama", LOCAL.ollama, "a local Ollama server"),
  openaiCompatiblePreset("vllm", LOCAL.vllm, "a vLLM server"),
  openaiCompatiblePreset("llamacpp", LOCAL.llamacpp, "a llama.cpp server"),
  llamaCppPlugin,
  simulatedPlugin,
  replayPlugin,
  hostedPresetsPlugin,
  googlePlugin,
  azureOpenAIPlugin,
  bedrockPlugin,
];

export {
  OPENAI_COMPATIBLE_PRESETS,
  type OpenAICompatibleSpec,
  openaiCompatiblePreset,
} from "./plugins/openai-compatible.js";
export {
  checkLlmSpec,
  createFromLlmSpec,
  invalidLlmSpec,
  llmPrefixOf,
  llmSpecForms,
  type MatchedLlmSpec,
  matchLlmSpec,
  requireRest,
} from "./provider-spec.js";
