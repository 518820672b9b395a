import type { ModelPrice } from "@vlmopt/core";
import type { RetryOptions } from "./retry.js";

/** Options shared by the HTTP (SDK) providers. */
export interface HttpProviderOptions {
  model: string;
  /** Explicit key; otherwise the provider's environment variable. Never written anywhere. */
  apiKey?: string;
  baseURL?: string;
  /** A custom fetch (proxies, tests). */
  fetch?: typeof fetch;
  /** Per-request timeout in ms. Default 60,000. */
  timeoutMs?: number;
  /** Retries after the first attempt, for 408/409/429/5xx, network errors and timeouts. Default 4. */
  maxRetries?: number;
  /** Backoff tuning (base and max delay, jitter source, sleep) — mainly for tests. */
  retry?: Omit<RetryOptions, "maxRetries" | "signal">;
  /** Requests in flight at once for this provider. Default 4. */
  concurrency?: number;
  /** Price override; default from PRICES (null = unknown, cost reported as null). */
  price?: ModelPrice | null;
  /** max_tokens when the request does not say. Default 1024. */
  defaultMaxTokens?: number;
  /** Environment to read the key from. Default process.env. */
  env?: Record<string, string | undefined>;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 4;
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_MAX_TOKENS = 1024;
