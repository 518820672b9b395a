import {
  costOf,
  type LlmGenerateOptions,
  type LlmGenerateResult,
  type LlmProvider,
  type LlmRequest,
  type ModelPrice,
} from "@vlmopt/core";
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, OpenAI } from "openai";
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
}

interface Batch {
  texts: string[];
  inputTokens: number;
  outputTokens: number;
}

/**
 * OpenAI Chat Completions (and compatible servers) through the `openai` SDK. Asks for n samples
 * in one request; when a server answers with fewer choices (many compatible servers ignore n),
 * the missing samples are requested one at a time, at most `concurrency` in flight.
 */
export class OpenAIProvider implements LlmProvider {
  readonly specificationVersion = "v1" as const;
  readonly provider: "openai" | "openai-compatible";
  readonly modelId: string;
  readonly price: ModelPrice | null;
  readonly baseURL: string;
  private readonly client: OpenAI;
  private readonly limiter: Limiter;
  private readonly apiKey: string | undefined;

  constructor(private readonly options: OpenAIProviderOptions) {
    const env = options.env ?? process.env;
    this.provider = options.flavor ?? "openai";
    this.modelId = options.model;
    if (this.provider === "openai") {
      this.apiKey = resolveApiKey(options.apiKey, "OPENAI_API_KEY", env, `openai:${options.model}`);
      this.baseURL = options.baseURL ?? env.OPENAI_BASE_URL ?? OPENAI_DEFAULT_BASE_URL;
    } else {
      this.apiKey = options.apiKey ?? env.OPENAI_COMPATIBLE_API_KEY;
      if (!options.baseURL) throw new TypeError("openai-compatible needs a baseURL");
      this.baseURL = options.baseURL;
    }
    this.price = options.price === undefined ? priceFor(this.provider, options.model) : options.price;
    this.limiter = createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY);
    this.client = new OpenAI({
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
    });
  }

  async generate(request: LlmRequest, options: LlmGenerateOptions = {}): Promise<LlmGenerateResult> {
    const n = request.n ?? 1;
    const first = await this.limiter.run(() => this.call(request, n, options));
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
    return {
      texts,
      usage: {
        inputTokens,
        outputTokens,
        costUsd: this.price ? costOf({ inputTokens, outputTokens }, this.price) : null,
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
      keyVariable: this.provider === "openai" ? "OPENAI_API_KEY" : "OPENAI_COMPATIBLE_API_KEY",
      ...(signal ? { signal } : {}),
    };
    const messages: ChatCompletionMessageParam[] = [
      ...(request.system !== undefined ? [{ role: "system" as const, content: request.system }] : []),
      ...request.messages.map((m) => ({ role: m.role, content: m.content })),
    ];
    const maxTokens = request.maxTokens ?? this.options.defaultMaxTokens ?? DEFAULT_MAX_TOKENS;
    return withRetries(
      async () => {
        try {
          const completion = await this.client.chat.completions.create(
            {
              model: this.modelId,
              messages,
              temperature: request.temperature ?? 1,
              ...(n > 1 ? { n } : {}),
              // api.openai.com's newer models reject max_tokens; most compatible servers only know it.
              ...(this.provider === "openai"
                ? { max_completion_tokens: maxTokens }
                : { max_tokens: maxTokens }),
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
              messages.reduce((s, m) => s + estimate(String(m.content)), 0),
            outputTokens: completion.usage?.completion_tokens ?? texts.reduce((s, t) => s + estimate(t), 0),
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
