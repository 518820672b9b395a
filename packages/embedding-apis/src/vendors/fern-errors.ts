import { AbortError, ProviderApiError, parseRetryAfter } from "@vlmopt/core";
import { redact } from "../http-json.js";

type ErrorClass = abstract new (...args: never[]) => Error;

/** What a Fern-generated SDK (cohere-ai, voyageai) throws: its error class and its timeout class. */
export interface FernErrorClasses {
  ApiError: ErrorClass;
  TimeoutError: ErrorClass;
}

export interface FernErrorContext {
  who: string;
  provider: string;
  baseURL: string;
  timeoutMs: number;
  apiKey: string;
  keyVariable: string;
  /** What to say on a 400/422. */
  rejectedHint: string;
  signal?: AbortSignal;
}

/**
 * Maps what a Fern-generated SDK throws to core's ProviderApiError (status from `statusCode`,
 * Retry-After from `rawResponse.headers`, retryable per status; a status-less error is a network
 * failure or the SDK's own timeout, both retryable) or to AbortError. Messages never show the key.
 */
export function mapFernError(error: unknown, classes: FernErrorClasses, ctx: FernErrorContext): Error {
  if (ctx.signal?.aborted) return new AbortError(`${ctx.who} request aborted`, { cause: ctx.signal.reason });
  const make = (message: string, extra: ConstructorParameters<typeof ProviderApiError>[1]) =>
    new ProviderApiError(redact(message, [ctx.apiKey]), { provider: ctx.provider, ...extra });
  const e = error as {
    statusCode?: number;
    body?: unknown;
    message?: string;
    cause?: { name?: string };
    rawResponse?: { headers?: Headers };
  };
  const isApiError = error instanceof classes.ApiError;
  // The SDK reports its timeout as its TimeoutError, or (when Node's fetch rejects on the SDK's
  // timer) as a status-less error whose cause is a TimeoutError/AbortError.
  const timedOut =
    error instanceof classes.TimeoutError ||
    (isApiError &&
      e.statusCode === undefined &&
      (e.cause?.name === "TimeoutError" ||
        e.cause?.name === "AbortError" ||
        /abort|time(d)? ?out/i.test(e.message ?? "")));
  if (timedOut) {
    return make(`${ctx.who} request timed out after ${ctx.timeoutMs / 1000} s (${ctx.baseURL})`, {
      isRetryable: true,
    });
  }
  if (!isApiError) return error instanceof Error ? error : new Error(String(error));
  const status = e.statusCode;
  const headers = e.rawResponse?.headers;
  const retryAfterSeconds = parseRetryAfter(headers?.get?.("retry-after"), headers?.get?.("retry-after-ms"));
  const body =
    e.body === undefined
      ? ""
      : redact(typeof e.body === "string" ? e.body : JSON.stringify(e.body), [ctx.apiKey]).slice(0, 500);
  if (status === undefined) {
    return make(`${ctx.who}: cannot reach ${ctx.baseURL}: ${e.message}`, {
      isRetryable: true,
      hint: "check the base URL (--model-base-url) and your network connection",
      cause: error,
    });
  }
  if (status >= 200 && status < 300) {
    return make(
      `${ctx.who}: the response body is not valid JSON; it starts ${JSON.stringify(body.slice(0, 80))}`,
      {
        isRetryable: false,
        hint: `check that ${ctx.baseURL} is the ${ctx.provider} API (--model-base-url)`,
      },
    );
  }
  const hint =
    status === 401 || status === 403 || status === 498
      ? `check the API key in ${ctx.keyVariable} and its permissions`
      : status === 400 || status === 422
        ? ctx.rejectedHint
        : undefined;
  return make(`${ctx.who} API error (HTTP ${status}): ${body || e.message}`, {
    status,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    responseBody: body,
    ...(hint ? { hint } : {}),
    cause: error,
  });
}
