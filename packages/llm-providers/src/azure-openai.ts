/**
 * `azure-openai:<deployment>`: Azure OpenAI through the `openai` SDK's `AzureOpenAI` client
 * (dated API versions; https://github.com/openai/openai-node/blob/master/docs/azure.md). Checked
 * against the SDK's source (openai/azure.js, 6.x): `endpoint` (AZURE_OPENAI_ENDPOINT,
 * https://<resource>.openai.azure.com) becomes `<endpoint>/openai`, chat completions go to
 * `/deployments/<deployment>/chat/completions?api-version=<apiVersion>` (OPENAI_API_VERSION), a
 * key is sent as the `api-key` header, an Entra ID token (`azureADTokenProvider`) as
 * `Authorization: Bearer`. The latest GA data-plane inference version, 2024-10-21, is the default
 * (https://learn.microsoft.com/azure/ai-services/openai/reference). The SDK is imported on create.
 *
 * Credentials: AZURE_OPENAI_API_KEY, or an Entra ID access token in AZURE_OPENAI_AD_TOKEN
 * (`az account get-access-token --resource https://cognitiveservices.azure.com`). Deployment
 * names are the user's, so the price is unknown unless given (--price-in/--price-out); Azure's
 * list prices: https://azure.microsoft.com/pricing/details/cognitive-services/openai-service/.
 */
import { ConfigError, type LlmProviderPlugin } from "@vlmopt/core";
import type { AzureOpenAI, ClientOptions } from "openai";
import type { HttpProviderOptions } from "./http-provider-options.js";
import type { OpenAIProviderOptions } from "./openai-provider.js";
import { httpOptionsOf } from "./plugins/http-options.js";

export const AZURE_OPENAI_DEFAULT_API_VERSION = "2024-10-21";

export interface AzureOpenAISpec {
  deployment: string;
}

type Env = Record<string, string | undefined>;
const set = (v: string | undefined): v is string => v !== undefined && v.trim() !== "";

/** The credential in `env`: an API key, else an Entra ID token; a ConfigError when neither. */
export function azureCredential(
  env: Env,
  apiKey?: string,
): { kind: "key" | "token"; value: string; variable: string } {
  if (set(apiKey)) return { kind: "key", value: apiKey.trim(), variable: "AZURE_OPENAI_API_KEY" };
  if (set(env.AZURE_OPENAI_API_KEY))
    return { kind: "key", value: env.AZURE_OPENAI_API_KEY.trim(), variable: "AZURE_OPENAI_API_KEY" };
  if (set(env.AZURE_OPENAI_AD_TOKEN))
    return { kind: "token", value: env.AZURE_OPENAI_AD_TOKEN.trim(), variable: "AZURE_OPENAI_AD_TOKEN" };
  throw new ConfigError(
    "AZURE_OPENAI_API_KEY is not set — set it (or AZURE_OPENAI_AD_TOKEN), or use --llm simulated",
    {
      hint: "export AZURE_OPENAI_API_KEY=… , or an Entra ID token: export AZURE_OPENAI_AD_TOKEN=$(az account get-access-token --resource https://cognitiveservices.azure.com --query accessToken -o tsv)",
    },
  );
}

/**
 * The OpenAIProvider options of an Azure deployment; `AzureOpenAIClass` is the SDK's class
 * (passed in, so that this module loads no SDK).
 */
export function azureOpenAIOptions(
  spec: AzureOpenAISpec,
  options: Omit<HttpProviderOptions, "model">,
  AzureOpenAIClass: typeof AzureOpenAI,
): OpenAIProviderOptions {
  const env = options.env ?? process.env;
  const endpoint = options.baseURL ?? env.AZURE_OPENAI_ENDPOINT;
  if (!set(endpoint)) {
    throw new ConfigError("AZURE_OPENAI_ENDPOINT is not set — azure-openai needs your resource's endpoint", {
      hint: "export AZURE_OPENAI_ENDPOINT=https://<resource>.openai.azure.com (or pass --llm-base-url)",
    });
  }
  const apiVersion = set(env.OPENAI_API_VERSION)
    ? env.OPENAI_API_VERSION.trim()
    : AZURE_OPENAI_DEFAULT_API_VERSION;
  const credential = azureCredential(env, options.apiKey);
  return {
    price: null,
    ...options,
    apiKey: credential.value,
    model: spec.deployment,
    baseURL: endpoint.trim(),
    flavor: "openai-compatible",
    hosted: {
      name: "azure-openai",
      keyVariable: credential.variable,
      // max_completion_tokens (needed by o-series deployments) arrived with 2024-12-01-preview.
      maxTokensField: apiVersion >= "2024-12-01" ? "max_completion_tokens" : "max_tokens",
      client: ({ baseURL, apiKey: _key, provider: _provider, ...settings }: ClientOptions) =>
        new AzureOpenAIClass({
          ...settings,
          endpoint: baseURL ?? endpoint,
          apiVersion,
          deployment: spec.deployment,
          ...(credential.kind === "key"
            ? { apiKey: credential.value }
            : { azureADTokenProvider: async () => credential.value }),
        }),
    },
  };
}

export const azureOpenAIPlugin: LlmProviderPlugin<AzureOpenAISpec> = {
  specificationVersion: "v1",
  kind: "llm-provider",
  prefixes: ["azure-openai"],
  imageVendor: "openai",
  help: [
    {
      form: "azure-openai:<deployment>",
      description:
        "Azure OpenAI (AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN, OPENAI_API_VERSION)",
    },
  ],
  parse(rest) {
    const deployment = rest.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(deployment)) {
      throw new ConfigError(`--llm "azure-openai:${rest}" does not name a deployment`, {
        hint: "use azure-openai:<deployment name>, e.g. azure-openai:gpt-4o-mini",
      });
    }
    return { deployment };
  },
  check(_spec, env) {
    azureCredential(env);
  },
  price: () => null,
  async create(spec, options) {
    const [{ AzureOpenAI }, { OpenAIProvider }] = await Promise.all([
      import("openai"),
      import("./openai-provider.js"),
    ]);
    return new OpenAIProvider(azureOpenAIOptions(spec, httpOptionsOf(options), AzureOpenAI));
  },
};
