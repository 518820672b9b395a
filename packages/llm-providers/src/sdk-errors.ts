import { AbortError, ProviderApiError, type ProviderApiErrorOptions } from "@vlmopt/core";
import { DEFAULT_TIMEOUT_MS } from "./http-provider-options.js";
import { parseRetryAfter } from "./retry.js";

type ErrorClass = abstract new (...args: never[]) => Error;

/** The error classes of a Stainless-generated SDK (both `openai` and `@anthropic-ai/sdk`). */
export interface SdkErrorClasses {
  APIError: ErrorClass;
  APIUserAbortError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
}

export interface MapErrorContext {
  provider: string;
  model: string;
  timeoutMs: number;
  baseURL: string;
  /** Values that must never appear in a message (API keys). */
  secrets: readonly (string | undefined)[];
  /** Environment variable holding the key, for the 401 hint. */
  keyVariable?: string;
  /** The API's name for the malformed-body hint. Default: from the provider name. */
  protocol?: string;
  signal?: AbortSignal;
}

/** Replaces every secret in `text` with "[redacted]". */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("[redacted]");
  return out;
}

/** What errorContextOf reads from a provider: its name, model and base URL. */
export interface ErrorContextSource {
  readonly provider: string;
  readonly modelId: string;
  readonly baseURL: string;
}

/**
 * The MapErrorContext of one call: the provider's name, model and base URL, the timeout with its
 * default (DEFAULT_TIMEOUT_MS) applied in one place, the secrets to redact, the key variable and
 * protocol for hints, and the call's signal when it has one.
 */
export function errorContextOf(
  source: ErrorContextSource,
  settings: {
    timeoutMs?: number | undefined;
    secrets: readonly (string | undefined)[];
    keyVariable: string;
    protocol?: string;
  },
  signal?: AbortSignal,
): MapErrorContext {
  return {
    provider: source.provider,
    model: source.modelId,
    timeoutMs: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    baseURL: source.baseURL,
    secrets: settings.secrets,
    keyVariable: settings.keyVariable,
    ...(settings.protocol ? { protocol: settings.protocol } : {}),
    ...(signal ? { signal } : {}),
  };
}

function hintFor(status: number | undefined, ctx: MapErrorContext): string | undefined {
  if (status === 401 || status === 403)
    return `check the API key${ctx.keyVariable ? ` in ${ctx.keyVariable}` : ""} and its permissions`;
  if (status === 404) return `check the model name "${ctx.model}" and the base URL ${ctx.baseURL}`;
  if (status === 400 || status === 422)
    return "the request was rejected; check the model's limits (max tokens, n)";
  // The CLI has no concurrency flag (apps/cli/src/options.ts); --llm-retries and the API option are real.
  if (status === 429)
    return "rate limited: raise --llm-retries (retries wait for the server's Retry-After), lower `concurrency` in the provider options, or try again later";
  if (status !== undefined && status >= 500) return "the provider had a server error; try again later";
  return undefined;
}

/**
 * Maps an SDK error (or anything thrown while calling it) to core's ProviderApiError, or to
 * AbortError for a cancelled call. Messages name the provider, model and status, never the key.
 */
export function mapSdkError(error: unknown, sdk: SdkErrorClasses, ctx: MapErrorContext): Error {
  if (AbortError.isInstance(error) || ProviderApiError.isInstance(error)) return error;
  const who = `${ctx.provider}:${ctx.model}`;
  const make = (message: string, options: ProviderApiErrorOptions) =>
    new ProviderApiError(redact(message, ctx.secrets), { provider: ctx.provider, ...options });
  if (error instanceof sdk.APIUserAbortError || ctx.signal?.aborted) {
    return new AbortError(`${who} request aborted`, { cause: ctx.signal?.reason });
  }
  if (error instanceof sdk.APIConnectionTimeoutError) {
    return make(`${who} request timed out after ${ctx.timeoutMs} ms (${ctx.baseURL})`, {
      isRetryable: true,
      hint: `raise --llm-timeout (seconds, now ${ctx.timeoutMs / 1000}; timeoutMs in the API) or check that the server is responsive`,
    });
  }
  if (error instanceof sdk.APIConnectionError) {
    const cause = (error as Error).cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : "";
    return make(`${who}: cannot reach ${ctx.baseURL}${detail}`, {
      isRetryable: true,
      hint: "check the base URL and your network connection",
    });
  }
  if (error instanceof sdk.APIError) {
    const e = error as Error & { status?: number; headers?: Headers; error?: unknown };
    const status = typeof e.status === "number" ? e.status : undefined;
    const retryAfterSeconds = parseRetryAfter(
      e.headers?.get?.("retry-after") ?? undefined,
      e.headers?.get?.("retry-after-ms") ?? undefined,
    );
    const body =
      e.error === undefined ? undefined : redact(JSON.stringify(e.error), ctx.secrets).slice(0, 2000);
    const hint = hintFor(status, ctx);
    return make(`${who} API error${status !== undefined ? ` (HTTP ${status})` : ""}: ${e.message}`, {
      ...(status !== undefined ? { status } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      ...(body !== undefined ? { responseBody: body } : {}),
      ...(hint ? { hint } : {}),
      cause: error,
    });
  }
  if (error instanceof SyntaxError) {
    return make(`${who}: the response body is not valid JSON (${error.message})`, {
      isRetryable: false,
      hint: `check that ${ctx.baseURL} speaks the ${ctx.protocol ?? (ctx.provider === "anthropic" ? "Anthropic Messages" : "OpenAI Chat Completions")} API`,
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return make(`${who}: ${message}`, { isRetryable: false, cause: error });
}
