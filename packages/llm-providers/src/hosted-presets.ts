import { ConfigError, type LlmProviderPlugin } from "@vlmopt/core";
import type { HttpProviderOptions } from "./http-provider-options.js";
import type { OpenAIProviderOptions } from "./openai-provider.js";
import { httpOptionsOf } from "./plugins/http-options.js";

/** A hosted service that speaks OpenAI Chat Completions, reached as `<name>:<model>`. */
export interface HostedPreset {
  readonly name: string;
  /** Its OpenAI-compatible base URL, from the vendor's own documentation (`docs`). */
  readonly baseURL: string;
  readonly keyVariable: string;
  readonly docs: string;
  /** Where its per-model prices are published (they are per model and change: give --price-in/out). */
  readonly prices: string;
  readonly example: string;
  /** False where the vendor rejects n > 1. */
  readonly sendN?: boolean;
  /** The vendor reports each call's USD cost in the response. */
  readonly reportsCost?: boolean;
}

/**
 * Hosted OpenAI-compatible services. Base URLs and key variables as each vendor documents them:
 * - OpenRouter: the OpenAI-SDK example on each model's API page, e.g.
 *   https://openrouter.ai/deepseek/deepseek-r1-distill-qwen-1.5b (baseURL https://openrouter.ai/api/v1,
 *   OPENROUTER_API_KEY); every response carries `usage.cost` in USD credits
 *   (https://openrouter.ai/docs/use-cases/usage-accounting), recorded as the call's cost.
 * - Groq: https://console.groq.com/docs/openai (https://api.groq.com/openai/v1, GROQ_API_KEY;
 *   "If N is supplied, it must be equal to 1", so samples go one request each).
 * - Together AI: https://docs.together.ai/docs/inference/openai-compatibility
 *   (https://api.together.ai/v1, TOGETHER_API_KEY).
 * - DeepSeek: https://api-docs.deepseek.com/ (https://api.deepseek.com, DEEPSEEK_API_KEY).
 * - Mistral: https://docs.mistral.ai/inference/quickstarts/send-your-first-request (MISTRAL_API_KEY)
 *   and its OpenAPI spec's server https://api.mistral.ai/v1 (POST /chat/completions, Bearer key).
 * - Fireworks AI: https://docs.fireworks.ai/tools-sdks/openai-compatibility
 *   (https://api.fireworks.ai/inference/v1, FIREWORKS_API_KEY).
 * All report token usage in the OpenAI `usage` object. Their prices are per model and not in the
 * price table (cost unknown unless given with --price-in/--price-out), except OpenRouter's
 * reported cost.
 */
export const HOSTED_PRESETS: Readonly<Record<string, HostedPreset>> = {
  openrouter: {
    name: "openrouter",
    baseURL: "https://openrouter.ai/api/v1",
    keyVariable: "OPENROUTER_API_KEY",
    docs: "https://openrouter.ai/docs/faq",
    prices: "reported per call in usage.cost (https://openrouter.ai/models)",
    example: "openrouter:openai/gpt-4o-mini",
    reportsCost: true,
  },
  groq: {
    name: "groq",
    baseURL: "https://api.groq.com/openai/v1",
    keyVariable: "GROQ_API_KEY",
    docs: "https://console.groq.com/docs/openai",
    prices: "https://groq.com/pricing",
    example: "groq:llama-3.3-70b-versatile",
    sendN: false,
  },
  together: {
    name: "together",
    baseURL: "https://api.together.ai/v1",
    keyVariable: "TOGETHER_API_KEY",
    docs: "https://docs.together.ai/docs/inference/openai-compatibility",
    prices: "https://www.together.ai/pricing",
    example: "together:meta-llama/Llama-3.3-70B-Instruct-Turbo",
  },
  deepseek: {
    name: "deepseek",
    baseURL: "https://api.deepseek.com",
    keyVariable: "DEEPSEEK_API_KEY",
    docs: "https://api-docs.deepseek.com/",
    prices: "https://api-docs.deepseek.com/quick_start/pricing",
    example: "deepseek:deepseek-chat",
  },
  mistral: {
    name: "mistral",
    baseURL: "https://api.mistral.ai/v1",
    keyVariable: "MISTRAL_API_KEY",
    docs: "https://docs.mistral.ai/inference/quickstarts/send-your-first-request",
    prices: "https://mistral.ai/pricing",
    example: "mistral:mistral-small-latest",
  },
  fireworks: {
    name: "fireworks",
    baseURL: "https://api.fireworks.ai/inference/v1",
    keyVariable: "FIREWORKS_API_KEY",
    docs: "https://docs.fireworks.ai/tools-sdks/openai-compatibility",
    prices: "https://fireworks.ai/pricing",
    example: "fireworks:accounts/fireworks/models/llama-v3p1-8b-instruct",
  },
};

export interface HostedPresetSpec {
  preset: HostedPreset;
  model: string;
}

/** `rest` of `<preset>:<model>`; a ConfigError when the model is missing. */
export function parseHostedPreset(rest: string, prefix: string): HostedPresetSpec {
  const preset = HOSTED_PRESETS[prefix];
  if (!preset) throw new ConfigError(`--llm: "${prefix}" is not a hosted preset`);
  const model = rest.trim();
  if (model === "") {
    throw new ConfigError(`--llm ${JSON.stringify(`${prefix}:`)} names no model`, {
      hint: `e.g. --llm ${preset.example}`,
    });
  }
  return { preset, model };
}

/** The OpenAIProvider options of a hosted preset (no SDK loaded here). */
export function hostedPresetOptions(
  spec: HostedPresetSpec,
  options: Omit<HttpProviderOptions, "model">,
): OpenAIProviderOptions {
  const { preset, model } = spec;
  return {
    price: null,
    ...options,
    model,
    baseURL: options.baseURL ?? preset.baseURL,
    flavor: "openai-compatible",
    hosted: {
      name: preset.name,
      keyVariable: preset.keyVariable,
      ...(preset.sendN === false ? { sendN: false } : {}),
      ...(preset.reportsCost ? { reportsCost: true } : {}),
    },
  };
}

/** The hosted presets as one plugin entry (the `openai` SDK is imported on create). */
export const hostedPresetsPlugin: LlmProviderPlugin<HostedPresetSpec> = {
  specificationVersion: "v1",
  kind: "llm-provider",
  prefixes: Object.keys(HOSTED_PRESETS),
  help: Object.values(HOSTED_PRESETS).map((p) => ({
    form: `${p.name}:<model>`,
    description: `${p.baseURL} (needs ${p.keyVariable}), e.g. ${p.example}`,
  })),
  parse: parseHostedPreset,
  requiredEnv: (spec) => [spec.preset.keyVariable],
  price: () => null,
  async create(spec, options) {
    const { OpenAIProvider } = await import("./openai-provider.js");
    return new OpenAIProvider(hostedPresetOptions(spec, httpOptionsOf(options)));
  },
};
