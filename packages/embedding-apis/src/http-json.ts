import { AbortError, ProviderApiError, parseRetryAfter } from "@vlmopt/core";

export interface PostJsonOptions {
  /** "jina:jina-clip-v2", for messages. */
  who: string;
  provider: string;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Values that must never appear in a message (API keys). */
  secrets?: readonly (string | undefined)[];
  /** Environment variable holding the key, for the 401 hint. */
  keyVariable?: string;
  /** What to say on a 400/413/422 (e.g. the per-request input limit). */
  rejectedHint?: string;
  method?: "POST" | "GET";
}

/** Replaces every secret in `text` with "[redacted]". */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("[redacted]");
  return out;
}

function hintFor(status: number, o: PostJsonOptions, url: string): string | undefined {
  if (status === 401 || status === 403)
    return `check the API key${o.keyVariable ? ` in ${o.keyVariable}` : ""} and its permissions`;
  if (status === 404) return `check the model name and the base URL (${new URL(url).origin})`;
  if (status === 400 || status === 413 || status === 422)
    return o.rejectedHint ?? "the request was rejected; check the model's input limits";
  if (status === 429)
    return "rate limited: retries wait for the server's Retry-After; lower the concurrency or try again later";
  if (status >= 500) return "the embedding API had a server error; try again later";
  return undefined;
}

/**
 * One request to an embedding API with a timeout: a JSON body, or a FormData one (multipart), and
 * a JSON answer. Failures become core's ProviderApiError
 * (status, Retry-After, isRetryable from the status: 408/409/429/5xx, network errors and timeouts),
 * an abort becomes AbortError. Messages name the model and status, never a key.
 */
export async function requestJson(url: string, body: unknown, o: PostJsonOptions): Promise<unknown> {
  const doFetch = o.fetch ?? fetch;
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
  const make = (message: string, extra: ConstructorParameters<typeof ProviderApiError>[1]) =>
    new ProviderApiError(redact(message, o.secrets), { provider: o.provider, ...extra });
  let response: Response;
  try {
    response = await doFetch(url, {
      method: o.method ?? "POST",
      // A FormData body (multipart uploads) sets its own content-type with the boundary.
      headers: {
        ...(body instanceof FormData ? {} : { "content-type": "application/json" }),
        accept: "application/json",
        ...o.headers,
      },
      ...(o.method === "GET" ? {} : { body: body instanceof FormData ? body : JSON.stringify(body) }),
      signal,
    });
  } catch (error) {
    if (o.signal?.aborted) throw new AbortError(`${o.who} request aborted`, { cause: o.signal.reason });
    if (timeout.aborted) {
      throw make(`${o.who} request timed out after ${o.timeoutMs / 1000} s (${new URL(url).origin})`, {
        isRetryable: true,
        hint: "raise the timeout (timeoutMs in the API) or check that the server is responsive",
      });
    }
    const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause : error) : null;
    throw make(`${o.who}: cannot reach ${new URL(url).origin}${cause ? `: ${cause.message}` : ""}`, {
      isRetryable: true,
      hint: "check the base URL (--model-base-url) and your network connection",
      cause: error,
    });
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (o.signal?.aborted) throw new AbortError(`${o.who} request aborted`, { cause: o.signal.reason });
    throw make(`${o.who}: the response body was cut off (${(error as Error).message})`, {
      isRetryable: true,
      cause: error,
    });
  }
  if (!response.ok) {
    const retryAfterSeconds = parseRetryAfter(
      response.headers.get("retry-after"),
      response.headers.get("retry-after-ms"),
    );
    const hint = hintFor(response.status, o, url);
    const detail = redact(text, o.secrets).slice(0, 500);
    throw make(`${o.who} API error (HTTP ${response.status}): ${detail || response.statusText}`, {
      status: response.status,
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      responseBody: redact(text, o.secrets).slice(0, 2000),
      ...(hint ? { hint } : {}),
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw make(
      `${o.who}: the response body is not valid JSON (${(error as Error).message}); it starts ${JSON.stringify(text.slice(0, 80))}`,
      {
        isRetryable: false,
        hint: `check that ${new URL(url).origin} is the ${o.provider} embeddings API (--model-base-url)`,
        cause: error,
      },
    );
  }
}

/** A response that is valid JSON but not in the documented shape: a clear, non-retryable error. */
export function badShape(who: string, provider: string, what: string): ProviderApiError {
  return new ProviderApiError(`${who}: unexpected response shape: ${what}`, {
    provider,
    isRetryable: false,
    hint: `check that the base URL points at the ${provider} embeddings API (--model-base-url)`,
  });
}

/** True for loopback hosts (a stand-in or a local server). */
export function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
    return host === "localhost" || host === "::1" || /^127\./.test(host);
  } catch {
    return false;
  }
}
