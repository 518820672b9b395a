import { AbortError, ConfigError, ProviderApiError, parseRetryAfter } from "@vlmopt/core";
import type { ApiLimits, EmbeddingProtocol, ProtocolCall, ProtocolResult } from "../api-encoder.js";
import { badShape, redact } from "../http-json.js";
import type { PreparedImage } from "../image-fit.js";

/**
 * Amazon Titan Multimodal Embeddings G1 on Bedrock: `bedrock:amazon.titan-embed-image-v1`, through
 * the official `@aws-sdk/client-bedrock-runtime` (InvokeModelCommand, imported on first use).
 * - Body (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-mm.html):
 *   `{ inputText }` or `{ inputImage: <base64> }`, with `embeddingConfig: { outputEmbeddingLength:
 *   256 | 384 | 1024 }` (1024 by default); the answer is `{ embedding, inputTextTokenCount, message }`.
 *   Sending both fields averages them, so every request carries one input: 1 text or 1 image.
 * - Region and credentials come from the AWS SDK's own chain (AWS_REGION / AWS_PROFILE / ~/.aws,
 *   SSO, instance roles); an explicit `env` with AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY is
 *   handed to the client. `--model-base-url` / BEDROCK_BASE_URL becomes the client's `endpoint`.
 * - Errors: the type name (ThrottlingException, …) and `$metadata.httpStatusCode` of the SDK's
 *   ServiceException (InvokeModelCommand.d.ts of 3.1164.0 lists them). The SDK's own retries are off
 *   (`maxAttempts: 1`): ApiClipEncoder's loop is the only one.
 * - Not found here: the image size limit and a concurrency guidance — 5 MiB per image and 4 in
 *   flight are used; the price per image / per 1M tokens (https://aws.amazon.com/bedrock/pricing/
 *   could not be read from here): null.
 */
export const BEDROCK_MODEL_DIMS: Record<string, number> = { "amazon.titan-embed-image-v1": 1024 };
export const TITAN_MM_LENGTHS: readonly number[] = [256, 384, 1024];

export const BEDROCK_LIMITS: ApiLimits = {
  maxTextBatch: 1,
  maxImageBatch: 1,
  concurrency: 4,
  maxBytes: 5 * 1024 * 1024,
  maxPixels: 2048 * 2048,
  acceptedTypes: ["image/jpeg", "image/png"],
};

export interface BedrockProtocolOptions {
  model: string;
  /** The identity of the endpoint (the override, or the region's default). */
  baseURL: string;
  /** Set only when the endpoint is overridden (a proxy, the stand-in). */
  endpoint?: string;
  env: Record<string, string | undefined>;
  dimensions: number | null;
  timeoutMs: number;
  limits?: Partial<ApiLimits>;
}

/** The runtime endpoint a region's default client talks to (for the cache identity and messages). */
export function bedrockDefaultEndpoint(env: Record<string, string | undefined>): string {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "sdk-default-region";
  return `https://bedrock-runtime.${region}.amazonaws.com`;
}

type SdkError = Error & {
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
};

export async function createBedrockProtocol(o: BedrockProtocolOptions): Promise<EmbeddingProtocol> {
  const who = `bedrock:${o.model}`;
  if (o.dimensions !== null && !TITAN_MM_LENGTHS.includes(o.dimensions)) {
    throw new ConfigError(`--model ${who}?dimensions=${o.dimensions}: Titan takes 256, 384 or 1024`, {
      hint: `${who}?dimensions=256`,
    });
  }
  const sdk = await import("@aws-sdk/client-bedrock-runtime");
  const { env } = o;
  const secrets = [env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN];
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const client = new sdk.BedrockRuntimeClient({
    ...(region ? { region } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          },
        }
      : {}),
    maxAttempts: 1,
    requestHandler: { requestTimeout: o.timeoutMs },
  });
  const limits = { ...BEDROCK_LIMITS, ...o.limits };
  const make = (message: string, extra: ConstructorParameters<typeof ProviderApiError>[1]) =>
    new ProviderApiError(redact(message, secrets), { provider: "bedrock", ...extra });

  const mapError = (error: unknown, call: ProtocolCall): Error => {
    if (call.signal?.aborted) return new AbortError(`${who} request aborted`, { cause: call.signal.reason });
    const e = error as SdkError;
    if (e?.name === "TimeoutError" || /timed? ?out/i.test(e?.message ?? "")) {
      return make(`${who} request timed out after ${o.timeoutMs / 1000} s (${o.baseURL})`, {
        isRetryable: true,
      });
    }
    if (/Region is missing/i.test(e?.message ?? "")) {
      return new ConfigError(`${who}: no AWS region — set AWS_REGION (or a region in your AWS profile)`, {
        hint: "export AWS_REGION=us-east-1 (a region where Titan Multimodal Embeddings is enabled)",
      });
    }
    if (e?.name === "CredentialsProviderError") {
      return new ConfigError(`${who}: no AWS credentials found — ${e.message}`, {
        hint: "configure the AWS SDK chain: AWS_PROFILE (aws configure / aws sso login) or AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY",
      });
    }
    const status = e?.$metadata?.httpStatusCode;
    if (status === undefined) {
      return make(`${who}: cannot reach ${o.baseURL}: ${e?.message ?? String(error)}`, {
        isRetryable: true,
        hint: "check the region, the endpoint (--model-base-url) and your network connection",
        cause: error,
      });
    }
    const headers = e.$response?.headers ?? {};
    const retryAfterSeconds = parseRetryAfter(headers["retry-after"], headers["retry-after-ms"]);
    const hint =
      status === 401 || status === 403
        ? "check the AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID…) and that model access is granted in the Bedrock console for this region"
        : status === 400 || status === 413
          ? "the request was rejected; vlmopt sends one text or one image per request — check the model id and dimensions"
          : undefined;
    return make(`${who} API error (HTTP ${status}, ${e.name}): ${e.message}`, {
      status,
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      ...(hint ? { hint } : {}),
      cause: error,
    });
  };

  const invoke = async (input: Record<string, string>, call: ProtocolCall): Promise<ProtocolResult> => {
    const body = {
      ...input,
      ...(o.dimensions !== null ? { embeddingConfig: { outputEmbeddingLength: o.dimensions } } : {}),
    };
    let text: string;
    try {
      const out = await client.send(
        new sdk.InvokeModelCommand({
          modelId: o.model,
          contentType: "application/json",
          accept: "application/json",
          body: JSON.stringify(body),
        }),
        call.signal ? { abortSignal: call.signal } : {},
      );
      text = out.body.transformToString("utf8");
    } catch (error) {
      throw mapError(error, call);
    }
    let json: { embedding?: unknown; inputTextTokenCount?: unknown };
    try {
      json = JSON.parse(text) as typeof json;
    } catch (error) {
      throw make(
        `${who}: the response body is not valid JSON; it starts ${JSON.stringify(text.slice(0, 80))}`,
        {
          isRetryable: false,
          hint: `check that ${o.baseURL} is the Bedrock runtime (--model-base-url)`,
          cause: error,
        },
      );
    }
    if (!Array.isArray(json?.embedding)) throw badShape(who, "bedrock", "no `embedding` array");
    const tokens = json.inputTextTokenCount;
    return typeof tokens === "number" && tokens > 0
      ? { vectors: [json.embedding as number[]], tokens }
      : { vectors: [json.embedding as number[]] };
  };
  const each = async (inputs: Record<string, string>[], call: ProtocolCall): Promise<ProtocolResult> => {
    // One input per request (both fields in one body would be averaged); limits keep batches at 1.
    const results = [];
    for (const input of inputs) results.push(await invoke(input, call));
    const tokens = results.reduce((s, r) => s + (r.tokens ?? 0), 0);
    return { vectors: results.flatMap((r) => r.vectors), ...(tokens > 0 ? { tokens } : {}) };
  };
  return {
    provider: "bedrock",
    model: o.model,
    baseURL: o.baseURL,
    limits,
    embedTextBatch: (texts, call) =>
      each(
        texts.map((inputText) => ({ inputText })),
        call,
      ),
    embedImageBatch: (images: readonly PreparedImage[], call) =>
      each(
        images.map((img) => ({ inputImage: img.base64 })),
        call,
      ),
  };
}
