import {
  costOf,
  type LlmGenerateOptions,
  type LlmGenerateResult,
  type LlmProvider,
  type LlmRequest,
  type ModelPrice,
} from "@vlmopt/core";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  type ClientOptions,
  OpenAI,
} from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { resolveApiKey } from "./api-key.js";
import { createLimiter, type Limiter } from "./concurrency.js";
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_TOKENS,
  DEFAULT_TIMEOUT_MS,
  type HttpProviderOptions,
} from "./http-provider-options.js";
import { refuseImages, requestImageTokens } from "./llm-images.js";
import { priceFor } from "./prices.js";
import { retryHooks, withRetries } from "./retry.js";
import { type MapErrorContext, mapSdkError } from "./sdk-errors.js";

const SDK_ERRORS = { APIError, APIUserAbortError, APIConnectionError, APIConnectionTimeoutError };
export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

export interface OpenAIProviderOptions extends HttpProviderOptions {
  /**
   * "openai" (api.openai.com; key from OPENAI_API_KEY, sends max_completion_tokens) or
   * "openai-compatible" (Ollama, vLLM, llama.cpp server, LM Studio; key optional from
   * OPENAI_COMPATIBLE_API_KEY, sends max_tokens, unknown price unless given). Default "openai".
   */
  flavor?: "openai" | "openai-compatible";
  /** A hosted service speaking this API under its own name (groq, openrouter, azure-openai, ...). */
  hosted?: OpenAIHostedService;
}

/** How a hosted OpenAI-compatible service differs from api.openai.com. */
export interface OpenAIHostedService {
  /** The provider name reported (and part of reply-cache keys), e.g. "groq". */
  name: string;
  /** Environment variable holding its key (required unless `apiKey` is given). */
  keyVariable: string;
  /** False for services that reject n > 1 (Groq): samples are then asked one request each. */
  sendN?: boolean;
  /** Which max-tokens field the service takes. Default "max_tokens". */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
  /** The service reports each call's USD cost in `usage.cost` (OpenRouter): use it. */
  reportsCost?: boolean;
  /** Builds the SDK client from the common settings (Azure's AzureOpenAI). */
  client?: (settings: ClientOptions) => OpenAI;
}

interface Batch {
  texts: string[];
  inputTokens: number;
  outputTokens: number;
  /** The USD cost the service reported for this request, when it does. */
  reportedCostUsd?: number;
}

/**
 * OpenAI Chat Completions (and compatible servers) through the `openai` SDK. Asks for n samples
 * in one request; when a server answers with fewer choices (many compatible servers ignore n),
 * the missing samples are requested one at a time, at most `concurrency` in flight.
 */
export class OpenAIProvider implements LlmProvider {
  readonly specificationVersion = "v1" as const;
  readonly provider: string;
  readonly modelId: string;
  readonly price: ModelPrice | null;
  readonly baseURL: string;
  /** api.openai.com and Azure OpenAI take images; other compatible servers are treated as text only. */
  readonly acceptsImages: boolean;
  readonly imageVendor?: "openai";
  private readonly client: OpenAI;
  private readonly limiter: Limiter;
  private readonly apiKey: string | undefined;
  private readonly keyVariable: string;

  constructor(private readonly options: OpenAIProviderOptions) {
    const env = options.env ?? process.env;
    const hosted = options.hosted;
    this.provider = hosted?.name ?? options.flavor ?? "openai";
    this.modelId = options.model;
    this.acceptsImages = this.provider === "openai" || hosted?.name === "azure-openai";
    if (this.acceptsImages) this.imageVendor = "openai";
    this.keyVariable =
      hosted?.keyVariable ?? (this.provider === "openai" ? "OPENAI_API_KEY" : "OPENAI_COMPATIBLE_API_KEY");
    if (hosted) {
      this.apiKey = resolveApiKey(options.apiKey, hosted.keyVariable, env, `${hosted.name}:${options.model}`);
      if (!options.baseURL) throw new TypeError(`${hosted.name} needs a baseURL`);
      this.baseURL = options.baseURL;
    } else if (this.provider === "openai") {
      this.apiKey = resolveApiKey(options.apiKey, "OPENAI_API_KEY", env, `openai:${options.model}`);
      this.baseURL = options.baseURL ?? env.OPENAI_BASE_URL ?? OPENAI_DEFAULT_BASE_URL;
    } else {
      this.apiKey = options.apiKey ?? env.OPENAI_COMPATIBLE_API_KEY;
      if (!options.baseURL) throw new TypeError("openai-compatible needs a baseURL");
      this.baseURL = options.baseURL;
    }
    this.price = options.price === undefined ? priceFor(this.provider, options.model) : options.price;
    this.limiter = createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY);
    const settings: ClientOptions = {
      // Local servers take any key; the SDK insists on one.
      apiKey: this.apiKey ?? "no-key",
      adminAPIKey: null,
      organization: this.provider === "openai" ? (env.OPENAI_ORG_ID ?? null) : null,
      project: this.provider === "openai" ? (env.OPENAI_PROJECT_ID ?? null) : null,
      webhookSecret: null,
      baseURL: this.baseURL,
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxRetries: 0,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    };
    this.client = hosted?.client ? hosted.client(settings) : new OpenAI(settings);
  }

  async generate(request: LlmRequest, options: LlmGenerateOptions = {}): Promise<LlmGenerateResult> {
    const n = request.n ?? 1;
    const first = await this.limiter.run(() =>
      this.call(request, this.options.hosted?.sendN === false ? 1 : n, options),
    );
    const batches = [first];
    const missing = n - first.texts.length;
    if (missing > 0) {
      batches.push(
        ...(await Promise.all(
          Array.from({ length: missing }, () => this.limiter.run(() => this.call(request, 1, options))),
        )),
      );
    }
    const texts = batches.flatMap((b) => b.texts).slice(0, n);
    const inputTokens = batches.reduce((s, b) => s + b.inputTokens, 0);
    const outputTokens = batches.reduce((s, b) => s + b.outputTokens, 0);
    // A cost the service reported wins over the price table (OpenRouter bills per upstream provider).
    const reported = batches.every((b) => b.reportedCostUsd !== undefined)
      ? batches.reduce((s, b) => s + (b.reportedCostUsd ?? 0), 0)
      : undefined;
    return {
      texts,
      usage: {
        inputTokens,
        outputTokens,
        costUsd: this.price
          ? costOf({ inputTokens, outputTokens }, this.price)
          : this.options.hosted?.reportsCost && reported !== undefined
            ? reported
            : null,
      },
    };
  }

  private call(request: LlmRequest, n: number, options: LlmGenerateOptions): Promise<Batch> {
    const { signal } = options;
    const ctx: MapErrorContext = {
      provider: this.provider,
      model: this.modelId,
      timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      baseURL: this.baseURL,
      secrets: [this.apiKey],
      keyVariable: this.keyVariable,
      ...(signal ? { signal } : {}),
    };
    if (!this.acceptsImages) refuseImages(request, `${this.provider}:${this.modelId}`);
    const messages: ChatCompletionMessageParam[] = [
      ...(request.system !== undefined ? [{ role: "system" as const, content: request.system }] : []),
      ...request.messages.map(
        (m): ChatCompletionMessageParam =>
          m.role === "user" && m.images?.length
            ? {
                role: "user",
                // https://platform.openai.com/docs/guides/images-vision: base64 data URLs, detail "low".
                content: [
                  ...m.images.flatMap((image) => [
                    ...(image.label ? [{ type: "text" as const, text: image.label }] : []),
                    {
                      type: "image_url" as const,
                      image_url: {
                        url: `data:${image.mediaType};base64,${image.data}`,
                        detail: "low" as const,
                      },
                    },
                  ]),
                  { type: "text", text: m.content },
                ],
              }
            : { role: m.role, content: m.content },
      ),
    ];
    const maxTokens = request.maxTokens ?? this.options.defaultMaxTokens ?? DEFAULT_MAX_TOKENS;
    const maxTokensField =
      this.options.hosted?.maxTokensField ??
      (this.provider === "openai" ? "max_completion_tokens" : "max_tokens");
    return withRetries(
      async () => {
        try {
          const completion = await this.client.chat.completions.create(
            {
              model: this.modelId,
              messages,
              temperature: request.temperature ?? 1,
              ...(n > 1 ? { n } : {}),
              ...(request.stopSequences?.length ? { stop: [...request.stopSequences] } : {}),
              // api.openai.com's newer models reject max_tokens; most compatible servers only know it.
              [maxTokensField]: maxTokens,
            },
            signal ? { signal } : {},
          );
          const choices = Array.isArray(completion?.choices) ? completion.choices : [];
          const ordered = [...choices].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
          const texts = ordered.map((c) => c.message?.content ?? "");
          const estimate = (s: string) => Math.ceil(s.length / 4);
          return {
            texts,
            inputTokens:
              completion.usage?.prompt_tokens ??
              request.messages.reduce((s, m) => s + estimate(m.content), estimate(request.system ?? "")) +
                requestImageTokens(request, "openai"),
            outputTokens: completion.usage?.completion_tokens ?? texts.reduce((s, t) => s + estimate(t), 0),
            ...reportedCost(completion.usage),
          };
        } catch (error) {
          throw mapSdkError(error, SDK_ERRORS, ctx);
        }
      },
      {
        ...this.options.retry,
        maxRetries: this.options.maxRetries ?? DEFAULT_MAX_RETRIES,
        ...(signal ? { signal } : {}),
        onRetry: retryHooks(this.options.retry?.onRetry, options.onRetry),
      },
    );
  }
}

/** OpenRouter's `usage.cost` (USD credits; https://openrouter.ai/docs/use-cases/usage-accounting). */
function reportedCost(usage: unknown): { reportedCostUsd?: number } {
  const cost = (usage as { cost?: unknown } | undefined)?.cost;
  return typeof cost === "number" && Number.isFinite(cost) && cost >= 0 ? { reportedCostUsd: cost } : {};
}
