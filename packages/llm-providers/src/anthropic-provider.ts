import {
  Anthropic,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from "@anthropic-ai/sdk";
import type { MessageCreateParamsNonStreaming } from "@anthropic-ai/sdk/resources/messages";
import {
  type LlmGenerateOptions,
  type LlmGenerateResult,
  type LlmProvider,
  type LlmRequest,
  type ModelPrice,
  ProviderApiError,
} from "@vlmopt/core";
import { resolveApiKey } from "./api-key.js";
import { createLimiter, type Limiter } from "./concurrency.js";
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_TOKENS,
  DEFAULT_TIMEOUT_MS,
  type HttpProviderOptions,
} from "./http-provider-options.js";
import { priceFor } from "./prices.js";
import { retryHooks, withRetries } from "./retry.js";
import { sampleEach } from "./samples.js";
import { errorContextOf, mapSdkError } from "./sdk-errors.js";

export interface AnthropicProviderOptions extends HttpProviderOptions {
  /** Do not send `temperature` (for models that reject sampling parameters). Default false. */
  omitTemperature?: boolean;
}

const SDK_ERRORS = { APIError, APIUserAbortError, APIConnectionError, APIConnectionTimeoutError };
export const ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com";

/**
 * Claude through the Anthropic Messages API (`client.messages.create`). The API has no `n`, so
 * n samples are n requests, at most `concurrency` in flight. Retries are ours (the SDK's are off).
 */
export class AnthropicProvider implements LlmProvider {
  readonly specificationVersion = "v1" as const;
  readonly acceptsImages = true;
  readonly imageVendor = "anthropic" as const;
  readonly provider = "anthropic";
  readonly modelId: string;
  readonly price: ModelPrice | null;
  readonly baseURL: string;
  private readonly client: Anthropic;
  private readonly limiter: Limiter;
  private readonly apiKey: string;

  constructor(private readonly options: AnthropicProviderOptions) {
    const env = options.env ?? process.env;
    this.modelId = options.model;
    this.apiKey = resolveApiKey(options.apiKey, "ANTHROPIC_API_KEY", env, `anthropic:${options.model}`);
    this.baseURL = options.baseURL ?? env.ANTHROPIC_BASE_URL ?? ANTHROPIC_DEFAULT_BASE_URL;
    this.price = options.price === undefined ? priceFor("anthropic", options.model) : options.price;
    this.limiter = createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY);
    this.client = new Anthropic({
      apiKey: this.apiKey,
      baseURL: this.baseURL,
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxRetries: 0,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async generate(request: LlmRequest, options: LlmGenerateOptions = {}): Promise<LlmGenerateResult> {
    return sampleEach(request.n ?? 1, this.limiter, () => this.one(request, options), this.price);
  }

  private one(
    request: LlmRequest,
    options: LlmGenerateOptions,
  ): Promise<{ text: string; inputTokens: number; outputTokens: number }> {
    const { signal } = options;
    const ctx = errorContextOf(
      this,
      { timeoutMs: this.options.timeoutMs, secrets: [this.apiKey], keyVariable: "ANTHROPIC_API_KEY" },
      signal,
    );
    return withRetries(
      async () => {
        try {
          const params: MessageCreateParamsNonStreaming & { temperature?: number } = {
            model: this.modelId,
            max_tokens: request.maxTokens ?? this.options.defaultMaxTokens ?? DEFAULT_MAX_TOKENS,
            // https://docs.anthropic.com/en/docs/build-with-claude/vision: base64 image blocks before the text.
            messages: request.messages.map((m) =>
              m.role === "user" && m.images?.length
                ? {
                    role: m.role,
                    content: [
                      ...m.images.flatMap((image) => [
                        ...(image.label ? [{ type: "text" as const, text: image.label }] : []),
                        {
                          type: "image" as const,
                          source: {
                            type: "base64" as const,
                            media_type: image.mediaType,
                            data: image.data,
                          },
                        },
                      ]),
                      { type: "text" as const, text: m.content },
                    ],
                  }
                : { role: m.role, content: m.content },
            ),
            ...(request.system !== undefined ? { system: request.system } : {}),
            ...(request.stopSequences?.length ? { stop_sequences: [...request.stopSequences] } : {}),
            // The SDK's types no longer list temperature; the Messages API default is 1.0.
            ...(request.temperature !== undefined && !this.options.omitTemperature
              ? { temperature: request.temperature }
              : {}),
          };
          const message = await this.client.messages.create(params, signal ? { signal } : {});
          if (!Array.isArray(message?.content)) {
            throw new ProviderApiError(`${ctx.provider}:${ctx.model}: the reply has no content array`, {
              provider: ctx.provider,
              isRetryable: false,
              hint: `check that ${ctx.baseURL} speaks the Anthropic Messages API`,
            });
          }
          const text = message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
          return {
            text,
            inputTokens: message.usage?.input_tokens ?? 0,
            outputTokens: message.usage?.output_tokens ?? 0,
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
