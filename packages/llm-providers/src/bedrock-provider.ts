/**
 * `bedrock:<model id>`: models on Amazon Bedrock (Claude, Llama, Mistral, Nova, ...) through
 * `@aws-sdk/client-bedrock-runtime`'s Converse API
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html):
 * POST /model/<modelId>/converse with `messages[].content[].text`, `system[].text`,
 * `inferenceConfig.{maxTokens, temperature, stopSequences}`; the answer's
 * `output.message.content[].text` and `usage.{inputTokens, outputTokens}`. Errors carry their type
 * in `x-amzn-ErrorType` (ThrottlingException 429, ValidationException 400, AccessDeniedException
 * 403, ServiceUnavailableException 503, ModelTimeoutException 408, ...). Converse has no n:
 * samples are separate requests.
 *
 * Region and credentials come from the AWS SDK's own chain (AWS_REGION / AWS_PROFILE / ~/.aws,
 * environment keys, SSO, instance roles; Bedrock API keys via AWS_BEARER_TOKEN_BEDROCK). The SDK
 * is imported on the first call; its own retries are off (`maxAttempts: 1`), this package's
 * withRetries is the only retry loop. `baseURL` becomes the client's `endpoint` (the stand-in).
 */

import type { BedrockRuntimeClient, ConverseCommandOutput } from "@aws-sdk/client-bedrock-runtime";
import {
  AbortError,
  ConfigError,
  type LlmGenerateOptions,
  type LlmGenerateResult,
  type LlmProvider,
  type LlmProviderPlugin,
  type LlmRequest,
  type ModelPrice,
  ProviderApiError,
} from "@vlmopt/core";
import { createLimiter, type Limiter } from "./concurrency.js";
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_TOKENS,
  DEFAULT_TIMEOUT_MS,
  type HttpProviderOptions,
} from "./http-provider-options.js";
import { refuseImages } from "./llm-images.js";
import { httpOptionsOf } from "./plugins/http-options.js";
import { priceFor } from "./prices.js";
import { parseRetryAfter, retryHooks, withRetries } from "./retry.js";
import { sampleEach } from "./samples.js";
import { errorContextOf, type MapErrorContext, redact } from "./sdk-errors.js";

export interface BedrockProviderOptions extends Omit<HttpProviderOptions, "apiKey"> {
  /** AWS region; default from the SDK chain (AWS_REGION, the profile's region). */
  region?: string;
}

/**
 * Bedrock runs Anthropic's models at Anthropic's list prices (the Bedrock entries of langchain's
 * Bedrock cost callback match them): `anthropic.claude-haiku-4-5-20251001-v1:0`, also with a
 * cross-region prefix (`us.`, `eu.`, `apac.`, `global.`), is priced as `claude-haiku-4-5`. Other
 * families (Llama, Mistral, Nova) are priced per region on https://aws.amazon.com/bedrock/pricing/
 * and are unknown here (give --price-in/--price-out).
 */
export function bedrockPrice(modelId: string): ModelPrice | null {
  const m = /^(?:[a-z]{2,6}\.)?anthropic\.(claude-[a-z0-9.-]+?)(?:-v\d+(?::\d+)?)?$/.exec(modelId);
  return m?.[1] ? priceFor("anthropic", m[1]) : null;
}

export class BedrockProvider implements LlmProvider {
  readonly specificationVersion = "v1" as const;
  readonly provider = "bedrock";
  readonly modelId: string;
  readonly price: ModelPrice | null;
  readonly baseURL: string;
  private readonly limiter: Limiter;
  private readonly region: string | undefined;
  private readonly secrets: string[];
  private client: Promise<BedrockRuntimeClient> | undefined;

  constructor(private readonly options: BedrockProviderOptions) {
    const env = options.env ?? process.env;
    this.modelId = options.model;
    this.region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    this.baseURL = options.baseURL ?? `https://bedrock-runtime.${this.region ?? "<region>"}.amazonaws.com`;
    this.price = options.price === undefined ? bedrockPrice(this.modelId) : options.price;
    this.limiter = createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY);
    this.secrets = [env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN, env.AWS_BEARER_TOKEN_BEDROCK].filter(
      (s): s is string => typeof s === "string" && s.length > 0,
    );
  }

  private sdk(): Promise<BedrockRuntimeClient> {
    const env = this.options.env;
    this.client ??= import("@aws-sdk/client-bedrock-runtime").then(
      ({ BedrockRuntimeClient }) =>
        new BedrockRuntimeClient({
          ...(this.region ? { region: this.region } : {}),
          ...(this.options.baseURL ? { endpoint: this.options.baseURL } : {}),
          // An explicit env (tests, embedding apps) holds the keys; otherwise the SDK's chain.
          ...(env?.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
            ? {
                credentials: {
                  accessKeyId: env.AWS_ACCESS_KEY_ID,
                  secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
                  ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
                },
              }
            : {}),
          maxAttempts: 1,
          requestHandler: {
            requestTimeout: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
            disableConcurrentStreams: true,
          },
        }),
    );
    return this.client;
  }

  async generate(request: LlmRequest, options: LlmGenerateOptions = {}): Promise<LlmGenerateResult> {
    refuseImages(request, `bedrock:${this.modelId}`);
    return sampleEach(request.n ?? 1, this.limiter, () => this.call(request, options), this.price);
  }

  private call(
    request: LlmRequest,
    options: LlmGenerateOptions,
  ): Promise<{ text: string; inputTokens: number; outputTokens: number }> {
    const { signal } = options;
    const ctx = errorContextOf(
      this,
      {
        timeoutMs: this.options.timeoutMs,
        secrets: this.secrets,
        keyVariable: "AWS credentials (AWS_PROFILE / AWS_ACCESS_KEY_ID)",
        protocol: "Bedrock Converse",
      },
      signal,
    );
    return withRetries(
      async () => {
        try {
          const [client, { ConverseCommand }] = await Promise.all([
            this.sdk(),
            import("@aws-sdk/client-bedrock-runtime"),
          ]);
          const output = await client.send(
            new ConverseCommand({
              modelId: this.modelId,
              messages: request.messages.map((m) => ({ role: m.role, content: [{ text: m.content }] })),
              ...(request.system !== undefined ? { system: [{ text: request.system }] } : {}),
              inferenceConfig: {
                maxTokens: request.maxTokens ?? this.options.defaultMaxTokens ?? DEFAULT_MAX_TOKENS,
                temperature: request.temperature ?? 1,
                ...(request.stopSequences?.length ? { stopSequences: [...request.stopSequences] } : {}),
              },
            }),
            signal ? { abortSignal: signal } : {},
          );
          return sampleOf(output, ctx);
        } catch (error) {
          throw mapBedrockError(error, ctx);
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

function sampleOf(output: ConverseCommandOutput, ctx: MapErrorContext) {
  const content = output?.output?.message?.content;
  if (!Array.isArray(content)) {
    throw new ProviderApiError(`${ctx.provider}:${ctx.model}: the reply has no output.message.content`, {
      provider: ctx.provider,
      isRetryable: false,
      hint: `check that ${ctx.baseURL} speaks the Bedrock Converse API`,
    });
  }
  const text = content.map((c) => ("text" in c && typeof c.text === "string" ? c.text : "")).join("");
  return {
    text,
    inputTokens: output.usage?.inputTokens ?? 0,
    outputTokens: output.usage?.outputTokens ?? Math.ceil(text.length / 4),
  };
}

/** Statuses of Bedrock's error types (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors). */
const RETRYABLE = new Set([
  "ThrottlingException",
  "ServiceUnavailableException",
  "InternalServerException",
  "ModelTimeoutException",
  "ModelNotReadyException",
]);

function hintFor(name: string, status: number | undefined, ctx: MapErrorContext): string | undefined {
  if (
    status === 401 ||
    status === 403 ||
    name === "AccessDeniedException" ||
    name === "UnrecognizedClientException"
  )
    return "check the AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID…) and that model access is granted in the Bedrock console for this region";
  if (name === "ResourceNotFoundException" || status === 404)
    return `check the model id "${ctx.model}" (or its inference profile) and the region`;
  if (name === "ValidationException")
    return "the request was rejected; check the model's limits (max tokens)";
  if (name === "ThrottlingException" || status === 429)
    return "throttled: raise --llm-retries, or request a higher Bedrock quota";
  if (status !== undefined && status >= 500) return "Bedrock had a server error; try again later";
  return undefined;
}

/** The AWS SDK's errors as core's errors: retryable by error type or status, never naming a secret. */
export function mapBedrockError(error: unknown, ctx: MapErrorContext): Error {
  if (AbortError.isInstance(error) || ProviderApiError.isInstance(error) || ConfigError.isInstance(error))
    return error;
  const who = `${ctx.provider}:${ctx.model}`;
  const make = (message: string, options: ConstructorParameters<typeof ProviderApiError>[1]) =>
    new ProviderApiError(redact(message, ctx.secrets), { provider: ctx.provider, ...options });
  const e = error as Error & {
    name?: string;
    $metadata?: { httpStatusCode?: number };
    $response?: { headers?: Record<string, string | undefined>; statusCode?: number };
    $fault?: string;
    code?: string;
  };
  if (ctx.signal?.aborted || e?.name === "AbortError") {
    if (ctx.signal?.aborted) return new AbortError(`${who} request aborted`, { cause: ctx.signal.reason });
  }
  if (e?.name === "TimeoutError" || e?.code === "ETIMEDOUT" || /timed? ?out/i.test(e?.message ?? "")) {
    return make(`${who} request timed out after ${ctx.timeoutMs} ms (${ctx.baseURL})`, {
      isRetryable: true,
      hint: `raise --llm-timeout (seconds, now ${ctx.timeoutMs / 1000}; timeoutMs in the API)`,
    });
  }
  if (e?.message && /Region is missing/i.test(e.message)) {
    return new ConfigError(`${who}: no AWS region — set AWS_REGION (or a region in your AWS profile)`, {
      hint: "export AWS_REGION=us-east-1 (a region where the model is enabled)",
    });
  }
  if (e?.name === "CredentialsProviderError") {
    return new ConfigError(`${who}: no AWS credentials found — ${e.message}`, {
      hint: "configure the AWS SDK chain: AWS_PROFILE (aws configure / aws sso login), AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, or AWS_BEARER_TOKEN_BEDROCK",
    });
  }
  const status = e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
  // A 2xx whose body did not parse: the SDK says so in its message (and keeps the bytes).
  if (
    error instanceof SyntaxError ||
    (status !== undefined && status < 300) ||
    /Deserialization error|Unexpected end of JSON|is not valid JSON/i.test(e?.message ?? "")
  ) {
    return make(`${who}: the response body is not valid JSON (${e?.message ?? String(error)})`, {
      isRetryable: false,
      hint: `check that ${ctx.baseURL} speaks the ${ctx.protocol} API`,
      cause: error,
    });
  }
  if (status !== undefined) {
    const name = e.name ?? "Error";
    const headers = e.$response?.headers ?? {};
    const retryAfterSeconds = parseRetryAfter(headers["retry-after"]);
    const hint = hintFor(name, status, ctx);
    return make(`${who} API error (HTTP ${status}) ${name}: ${e.message}`, {
      status,
      isRetryable: RETRYABLE.has(name) || status === 408 || status === 429 || status >= 500,
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      ...(hint ? { hint } : {}),
      cause: error,
    });
  }
  if (e?.code === "ECONNREFUSED" || e?.code === "ENOTFOUND" || e?.code === "ECONNRESET") {
    return make(`${who}: cannot reach ${ctx.baseURL}: ${e.message}`, {
      isRetryable: true,
      hint: "check the region, the endpoint and your network connection",
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return make(`${who}: ${message}`, { isRetryable: false, cause: error });
}

export interface BedrockSpec {
  modelId: string;
}

export const bedrockPlugin: LlmProviderPlugin<BedrockSpec> = {
  specificationVersion: "v1",
  kind: "llm-provider",
  prefixes: ["bedrock"],
  help: [
    {
      form: "bedrock:<model id>",
      description:
        "Amazon Bedrock Converse (AWS SDK chain: AWS_REGION, AWS_PROFILE or keys), e.g. bedrock:anthropic.claude-3-5-haiku-20241022-v1:0",
    },
  ],
  parse(rest) {
    const modelId = rest.trim();
    if (!/^[A-Za-z0-9][\w.:/-]*$/.test(modelId)) {
      throw new ConfigError(`--llm "bedrock:${rest}" does not name a model id`, {
        hint: "use bedrock:<model id or inference profile>, e.g. bedrock:us.anthropic.claude-3-5-haiku-20241022-v1:0",
      });
    }
    return { modelId };
  },
  price: (spec) => bedrockPrice(spec.modelId),
  create: (spec, options) => new BedrockProvider({ ...httpOptionsOf(options), model: spec.modelId }),
};
