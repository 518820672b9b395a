/**
 * `google:<model>`: Gemini through the official `@google/genai` SDK (2.x; 3.x needs Node 22),
 * with a Gemini API key or Vertex AI through Application Default Credentials. The SDK is
 * imported on the first call, never at start-up.
 *
 * Checked against the SDK's source (node_modules/@google/genai/dist/node/index.mjs, 2.32):
 * - `new GoogleGenAI({ apiKey })` for the Gemini API; `{ vertexai: true, project, location }`
 *   for Vertex AI, whose credentials come from google-auth-library's ADC chain; the SDK's own
 *   switch is GOOGLE_GENAI_USE_VERTEXAI with GOOGLE_CLOUD_PROJECT / GOOGLE_CLOUD_LOCATION.
 * - `httpOptions.baseUrl` replaces https://generativelanguage.googleapis.com/ (requests go to
 *   `<baseUrl>/v1beta/models/<model>:generateContent`, key in `x-goog-api-key`);
 *   `httpOptions.timeout` (ms) bounds each attempt; `httpOptions.fetch` replaces fetch; without
 *   `retryOptions` the SDK does not retry (this package's withRetries is the only retry loop).
 * - A non-2xx answer throws `ApiError { status, message }`, the message being the JSON error
 *   body; the response headers are not kept, so a fetch wrapper reads Retry-After.
 * - `config.systemInstruction`, `temperature`, `maxOutputTokens`, `stopSequences`,
 *   `candidateCount`, `abortSignal`; `usageMetadata.{promptTokenCount, candidatesTokenCount,
 *   thoughtsTokenCount}` (https://ai.google.dev/api/generate-content#UsageMetadata): thinking
 *   tokens are billed as output and reported apart as `reasoningTokens`.
 */

import type { GenerateContentResponse, GoogleGenAI } from "@google/genai";
import {
  AbortError,
  ConfigError,
  costOf,
  type LlmGenerateOptions,
  type LlmGenerateResult,
  type LlmProvider,
  type LlmProviderPlugin,
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
  type HttpProviderOptions,
} from "./http-provider-options.js";
import { httpOptionsOf } from "./plugins/http-options.js";
import { priceFor } from "./prices.js";
import { parseRetryAfter, retryHooks, withRetries } from "./retry.js";
import { errorContextOf, type MapErrorContext, redact } from "./sdk-errors.js";

export const GEMINI_DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";

export interface GoogleProviderOptions extends HttpProviderOptions {
  /** Vertex AI instead of the Gemini API. Default: GOOGLE_GENAI_USE_VERTEXAI in `env`. */
  vertexai?: boolean;
  /** Vertex AI project and location. Default GOOGLE_CLOUD_PROJECT / GOOGLE_CLOUD_LOCATION. */
  project?: string;
  location?: string;
}

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes)$/i.test(v.trim());

/** Whether `env` selects Vertex AI (the SDK's own variable). */
export function usesVertexAI(env: Record<string, string | undefined>): boolean {
  return truthy(env.GOOGLE_GENAI_USE_VERTEXAI);
}

interface Batch {
  texts: string[];
  inputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

export class GoogleProvider implements LlmProvider {
  readonly specificationVersion = "v1" as const;
  readonly provider = "google";
  readonly acceptsImages = true;
  readonly imageVendor = "gemini" as const;
  readonly modelId: string;
  readonly price: ModelPrice | null;
  readonly baseURL: string;
  private readonly apiKey: string | undefined;
  private readonly vertex: { project?: string; location?: string } | undefined;
  private readonly limiter: Limiter;
  private client: Promise<GoogleGenAI> | undefined;

  constructor(private readonly options: GoogleProviderOptions) {
    const env = options.env ?? process.env;
    this.modelId = options.model.replace(/^models\//, "");
    const vertex = options.vertexai ?? usesVertexAI(env);
    if (vertex) {
      const project = options.project ?? env.GOOGLE_CLOUD_PROJECT;
      const location = options.location ?? env.GOOGLE_CLOUD_LOCATION ?? "global";
      if (!project && !options.baseURL) {
        throw new ConfigError("GOOGLE_CLOUD_PROJECT is not set — Vertex AI needs a project", {
          hint: "export GOOGLE_CLOUD_PROJECT=… (and GOOGLE_CLOUD_LOCATION), log in with `gcloud auth application-default login`, or unset GOOGLE_GENAI_USE_VERTEXAI to use GEMINI_API_KEY",
        });
      }
      this.vertex = { ...(project ? { project } : {}), location };
      this.apiKey = options.apiKey;
    } else {
      this.vertex = undefined;
      this.apiKey = resolveApiKey(
        options.apiKey ?? env.GEMINI_API_KEY ?? env.GOOGLE_API_KEY,
        "GEMINI_API_KEY",
        env,
        `google:${this.modelId}`,
      );
    }
    this.baseURL =
      options.baseURL ??
      (this.vertex
        ? `https://${this.vertex.location === "global" ? "" : `${this.vertex.location}-`}aiplatform.googleapis.com`
        : GEMINI_DEFAULT_BASE_URL);
    this.price = options.price === undefined ? priceFor("google", this.modelId) : options.price;
    this.limiter = createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY);
  }

  /** The SDK client, created (and the SDK imported) on first use. */
  private sdk(): Promise<GoogleGenAI> {
    this.client ??= import("@google/genai").then(
      ({ GoogleGenAI }) =>
        new GoogleGenAI({
          ...(this.vertex
            ? { vertexai: true, ...this.vertex, ...(this.apiKey ? { apiKey: this.apiKey } : {}) }
            : { vertexai: false, apiKey: this.apiKey as string }),
          ...(this.options.baseURL ? { httpOptions: { baseUrl: this.options.baseURL } } : {}),
        }),
    );
    return this.client;
  }

  async generate(request: LlmRequest, options: LlmGenerateOptions = {}): Promise<LlmGenerateResult> {
    const n = request.n ?? 1;
    const first = await this.limiter.run(() => this.call(request, n, options));
    const batches = [first];
    // Some models answer fewer candidates than asked: the rest one request each.
    const missing = n - first.texts.length;
    if (missing > 0) {
      batches.push(
        ...(await Promise.all(
          Array.from({ length: missing }, () => this.limiter.run(() => this.call(request, 1, options))),
        )),
      );
    }
    const sum = (k: keyof Omit<Batch, "texts">) => batches.reduce((s, b) => s + b[k], 0);
    const usage = {
      inputTokens: sum("inputTokens"),
      outputTokens: sum("outputTokens"),
      reasoningTokens: sum("reasoningTokens"),
    };
    return {
      texts: batches.flatMap((b) => b.texts).slice(0, n),
      usage: { ...usage, costUsd: this.price ? costOf(usage, this.price) : null },
    };
  }

  private call(request: LlmRequest, n: number, options: LlmGenerateOptions): Promise<Batch> {
    const { signal } = options;
    const ctx = errorContextOf(
      this,
      {
        timeoutMs: this.options.timeoutMs,
        secrets: [this.apiKey],
        keyVariable: this.vertex ? "GOOGLE_APPLICATION_CREDENTIALS" : "GEMINI_API_KEY",
        protocol: "Gemini generateContent",
      },
      signal,
    );
    return withRetries(
      async () => {
        // Keeps the last response's Retry-After, which the SDK's ApiError drops.
        let retryAfter: string | null = null;
        const baseFetch = this.options.fetch ?? fetch;
        const fetchKeepingHeaders: typeof fetch = async (input, init) => {
          const response = await baseFetch(input, init);
          retryAfter = response.headers.get("retry-after");
          return response;
        };
        try {
          const ai = await this.sdk();
          const response = await ai.models.generateContent({
            model: this.modelId,
            // Images as inlineData parts before the text (https://ai.google.dev/gemini-api/docs/image-understanding).
            contents: request.messages.map((m) => ({
              role: m.role === "assistant" ? "model" : "user",
              parts: [
                ...(m.role === "user" ? (m.images ?? []) : []).flatMap((image) => [
                  ...(image.label ? [{ text: image.label }] : []),
                  { inlineData: { mimeType: image.mediaType, data: image.data } },
                ]),
                { text: m.content },
              ],
            })),
            config: {
              ...(request.system !== undefined ? { systemInstruction: request.system } : {}),
              temperature: request.temperature ?? 1,
              maxOutputTokens: request.maxTokens ?? this.options.defaultMaxTokens ?? DEFAULT_MAX_TOKENS,
              ...(request.stopSequences?.length ? { stopSequences: [...request.stopSequences] } : {}),
              ...(n > 1 ? { candidateCount: n } : {}),
              ...(signal ? { abortSignal: signal } : {}),
              httpOptions: { timeout: ctx.timeoutMs, fetch: fetchKeepingHeaders },
            },
          });
          return batchOf(response, ctx);
        } catch (error) {
          throw mapGeminiError(error, ctx, retryAfter);
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

function batchOf(response: GenerateContentResponse, ctx: MapErrorContext): Batch {
  if (!response || typeof response !== "object" || !Array.isArray(response.candidates)) {
    throw new ProviderApiError(`${ctx.provider}:${ctx.model}: the reply has no candidates array`, {
      provider: ctx.provider,
      isRetryable: false,
      hint: `check that ${ctx.baseURL} speaks the Gemini generateContent API`,
    });
  }
  const texts = response.candidates.map((c) =>
    (c.content?.parts ?? [])
      .filter((part) => part.thought !== true && typeof part.text === "string")
      .map((part) => part.text)
      .join(""),
  );
  const usage = response.usageMetadata ?? {};
  const reasoningTokens = usage.thoughtsTokenCount ?? 0;
  const estimate = (s: string) => Math.ceil(s.length / 4);
  return {
    texts,
    inputTokens: usage.promptTokenCount ?? 0,
    outputTokens:
      (usage.candidatesTokenCount ?? texts.reduce((s, t) => s + estimate(t), 0)) + reasoningTokens,
    reasoningTokens,
  };
}

/** Seconds from google.rpc.RetryInfo's `retryDelay` ("23s", "1.5s") in an error body. */
function retryInfoSeconds(body: unknown): number | undefined {
  const details = (body as { error?: { details?: unknown } } | undefined)?.error?.details;
  if (!Array.isArray(details)) return undefined;
  for (const d of details) {
    const delay = (d as { retryDelay?: unknown })?.retryDelay;
    if (typeof delay === "string" && /^\d+(?:\.\d+)?s$/.test(delay)) return Number(delay.slice(0, -1));
  }
  return undefined;
}

function hintFor(status: number | undefined, ctx: MapErrorContext): string | undefined {
  if (status === 401 || status === 403)
    return `check the key in ${ctx.keyVariable} (or the Vertex AI credentials) and its permissions`;
  if (status === 404) return `check the model name "${ctx.model}" and the base URL ${ctx.baseURL}`;
  if (status === 400) return "the request was rejected; check the model's limits (max tokens, n)";
  if (status === 429)
    return "rate limited or out of quota: raise --llm-retries (retries wait for the server's retry delay), or try again later";
  if (status !== undefined && status >= 500) return "Gemini had a server error; try again later";
  return undefined;
}

/** The SDK's errors (ApiError, fetch failures, aborts, bad JSON) as core's errors. */
export function mapGeminiError(error: unknown, ctx: MapErrorContext, retryAfter: string | null): Error {
  if (AbortError.isInstance(error) || ProviderApiError.isInstance(error)) return error;
  const who = `${ctx.provider}:${ctx.model}`;
  const make = (message: string, options: ConstructorParameters<typeof ProviderApiError>[1]) =>
    new ProviderApiError(redact(message, ctx.secrets), { provider: ctx.provider, ...options });
  if (ctx.signal?.aborted) return new AbortError(`${who} request aborted`, { cause: ctx.signal.reason });
  const e = error as Error & { name?: string; status?: unknown };
  if (e?.name === "ApiError" && typeof e.status === "number") {
    let body: unknown;
    try {
      body = JSON.parse(e.message);
    } catch {
      body = undefined;
    }
    const inner = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
    const detail = typeof inner === "string" ? inner : e.message;
    const retryAfterSeconds = parseRetryAfter(retryAfter) ?? retryInfoSeconds(body);
    const hint = hintFor(e.status, ctx);
    return make(`${who} API error (HTTP ${e.status}): ${detail}`, {
      status: e.status,
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      responseBody: redact(e.message, ctx.secrets).slice(0, 2000),
      ...(hint ? { hint } : {}),
      cause: error,
    });
  }
  if (error instanceof SyntaxError) {
    return make(`${who}: the response body is not valid JSON (${error.message})`, {
      isRetryable: false,
      hint: `check that ${ctx.baseURL} speaks the ${ctx.protocol} API`,
      cause: error,
    });
  }
  // The SDK aborts an attempt past httpOptions.timeout; fetch then rejects with an AbortError.
  if (e?.name === "AbortError" || e?.name === "TimeoutError") {
    return make(`${who} request timed out after ${ctx.timeoutMs} ms (${ctx.baseURL})`, {
      isRetryable: true,
      hint: `raise --llm-timeout (seconds, now ${ctx.timeoutMs / 1000}; timeoutMs in the API) or check that the server is responsive`,
    });
  }
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return make(`${who}: cannot reach ${ctx.baseURL}${cause}`, {
      isRetryable: true,
      hint: "check the base URL and your network connection",
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return make(`${who}: ${message}`, { isRetryable: false, cause: error });
}

export interface GoogleSpec {
  model: string;
}

/** `google:<model>` as a plugin entry; the SDK loads on the provider's first call. */
export const googlePlugin: LlmProviderPlugin<GoogleSpec> = {
  specificationVersion: "v1",
  kind: "llm-provider",
  prefixes: ["google"],
  imageVendor: "gemini",
  help: [
    {
      form: "google:<model>",
      description:
        "Google Gemini via @google/genai (GEMINI_API_KEY, or Vertex AI: GOOGLE_GENAI_USE_VERTEXAI=true + ADC), e.g. google:gemini-2.5-flash",
    },
  ],
  parse(rest) {
    const model = rest.trim().replace(/^models\//, "");
    if (model === "") {
      throw new ConfigError('--llm "google:" names no model', { hint: "e.g. --llm google:gemini-2.5-flash" });
    }
    return { model };
  },
  check(_spec, env) {
    if (usesVertexAI(env)) {
      if (!env.GOOGLE_CLOUD_PROJECT?.trim()) {
        throw new ConfigError("GOOGLE_CLOUD_PROJECT is not set — Vertex AI needs a project", {
          hint: "export GOOGLE_CLOUD_PROJECT=… (and GOOGLE_CLOUD_LOCATION), or unset GOOGLE_GENAI_USE_VERTEXAI to use GEMINI_API_KEY",
        });
      }
      return;
    }
    if (!env.GEMINI_API_KEY?.trim() && !env.GOOGLE_API_KEY?.trim()) {
      throw new ConfigError("GEMINI_API_KEY is not set — set it, or use --llm simulated", {
        hint: "export GEMINI_API_KEY=… (https://aistudio.google.com/apikey), or use Vertex AI with GOOGLE_GENAI_USE_VERTEXAI=true",
      });
    }
  },
  price: (spec) => priceFor("google", spec.model),
  create: (spec, options) => new GoogleProvider({ ...httpOptionsOf(options), model: spec.model }),
};
