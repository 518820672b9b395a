import { setTimeout as delay } from "node:timers/promises";
import { AbortError, ProviderApiError, throwIfAborted } from "./errors.js";

/**
 * Waits `ms` with Node's promise timer, which rejects as soon as the signal aborts
 * (https://nodejs.org/docs/latest-v20.x/api/timers.html#timerspromisessettimeoutdelay-value-options);
 * that rejection becomes core's AbortError, with the signal's reason as its cause.
 */
async function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    if (signal?.aborted) throw new AbortError("Operation aborted", { cause: signal.reason });
    throw error;
  }
}

export interface RetryOptions {
  /** Retries after the first attempt. Default 4. */
  maxRetries?: number;
  /** First backoff delay in ms; doubles each retry. Default 500. */
  baseDelayMs?: number;
  /** Largest backoff delay in ms (before jitter). Default 30,000. */
  maxDelayMs?: number;
  /** Longest Retry-After honoured, in ms; a longer one fails the call instead. Default 120,000. */
  maxRetryAfterMs?: number;
  signal?: AbortSignal;
  /** Random numbers in [0, 1) for jitter (injectable for tests). */
  random?: () => number;
  /** How to wait (injectable for tests). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The hint of the error thrown after the last retry, when the failed attempt had none. */
  giveUpHint?: string;
  /** Called before each wait (awaited when it returns a promise). */
  onRetry?: (info: RetryEvent) => void | Promise<void>;
}

/** What `onRetry` is told: the retry about to be made (1-based), of how many, after what wait, why. */
export interface RetryEvent {
  attempt: number;
  maxRetries: number;
  delayMs: number;
  error: ProviderApiError;
}

/** A short reason for a failed attempt: "HTTP 503", or the error's message without the "provider:model" prefix. */
export function retryReason(error: ProviderApiError): string {
  if (error.status !== undefined) return `HTTP ${error.status}`;
  return error.message.replace(/^\S+:\S+?:? /, "");
}

/**
 * Delay before retry number `attempt` (1-based): exponential backoff with "equal jitter"
 * (between half and all of base·2^(attempt-1), capped), but never shorter than the server's
 * Retry-After.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterSeconds: number | undefined,
  options: Pick<RetryOptions, "baseDelayMs" | "maxDelayMs" | "random"> = {},
): number {
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;
  const exp = Math.min(cap, base * 2 ** (attempt - 1));
  const backoff = exp / 2 + (exp / 2) * random();
  const server = retryAfterSeconds === undefined ? 0 : retryAfterSeconds * 1000;
  return Math.max(backoff, server);
}

/**
 * Parses a Retry-After value: delta-seconds ("120", "1.5") or an HTTP date. Returns seconds
 * (≥ 0), or undefined when absent or unreadable. `retry-after-ms` (OpenAI, Anthropic) wins.
 */
export function parseRetryAfter(
  retryAfter: string | null | undefined,
  retryAfterMs?: string | null,
  now: number = Date.now(),
): number | undefined {
  if (retryAfterMs != null && retryAfterMs.trim() !== "") {
    const ms = Number(retryAfterMs);
    if (Number.isFinite(ms) && ms >= 0) return ms / 1000;
  }
  if (retryAfter == null || retryAfter.trim() === "") return undefined;
  const value = retryAfter.trim();
  if (/^\d+(?:\.\d+)?$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - now) / 1000);
}

/**
 * Runs `fn` until it succeeds, retrying a ProviderApiError whose `isRetryable` is true (408, 409,
 * 429, 5xx, network errors and timeouts). Other errors, and aborts, are thrown at once. The only
 * retry loop of vlmopt's HTTP plugins (LLM providers, embedding APIs): SDK clients are created
 * with their own retries off.
 */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const maxRetries = options.maxRetries ?? 4;
  const wait = options.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(options.signal);
    try {
      return await fn(attempt);
    } catch (error) {
      if (AbortError.isInstance(error) || options.signal?.aborted) {
        throw AbortError.isInstance(error) ? error : new AbortError("Operation aborted", { cause: error });
      }
      if (!ProviderApiError.isInstance(error) || !error.isRetryable) throw error;
      if (attempt >= maxRetries) {
        throw new ProviderApiError(`${error.message} (gave up after ${attempt + 1} attempts)`, {
          ...(error.status !== undefined ? { status: error.status } : {}),
          ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
          ...(error.provider !== undefined ? { provider: error.provider } : {}),
          ...(error.responseBody !== undefined ? { responseBody: error.responseBody } : {}),
          isRetryable: true,
          hint:
            error.hint ??
            options.giveUpHint ??
            "try again later, or raise --llm-retries (maxRetries in the API)",
          cause: error,
        });
      }
      const maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
      if (error.retryAfterSeconds !== undefined && error.retryAfterSeconds * 1000 > maxRetryAfterMs) {
        throw new ProviderApiError(
          `${error.message} (the server asked to wait ${error.retryAfterSeconds} s, more than the ${maxRetryAfterMs / 1000} s allowed)`,
          {
            ...(error.status !== undefined ? { status: error.status } : {}),
            retryAfterSeconds: error.retryAfterSeconds,
            ...(error.provider !== undefined ? { provider: error.provider } : {}),
            isRetryable: true,
            hint: "try again later (a rate limit or quota was hit)",
            cause: error,
          },
        );
      }
      const delayMs = retryDelayMs(attempt + 1, error.retryAfterSeconds, options);
      await options.onRetry?.({ attempt: attempt + 1, maxRetries, delayMs, error });
      await wait(delayMs, options.signal);
    }
  }
}
