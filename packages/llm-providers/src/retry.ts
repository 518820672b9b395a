import type { LlmGenerateOptions, LlmRetryInfo } from "@vlmopt/core";
import { type RetryOptions, retryReason } from "@vlmopt/core";

// The generic retry loop lives in core (shared with @vlmopt/embedding-apis); re-exported here.
export {
  parseRetryAfter,
  type RetryEvent,
  type RetryOptions,
  retryDelayMs,
  retryReason,
  withRetries,
} from "@vlmopt/core";

/**
 * The `onRetry` of `withRetries` for one call: the provider's own (tests' `retry.onRetry`) and
 * the caller's `LlmGenerateOptions.onRetry` hook, told as core's LlmRetryInfo.
 */
export function retryHooks(
  own: RetryOptions["onRetry"],
  hook: LlmGenerateOptions["onRetry"],
): RetryOptions["onRetry"] {
  if (!own && !hook) return undefined;
  return async (event) => {
    await own?.(event);
    const info: LlmRetryInfo = {
      retry: event.attempt,
      maxRetries: event.maxRetries,
      delayMs: event.delayMs,
      reason: retryReason(event.error),
      ...(event.error.status !== undefined ? { status: event.error.status } : {}),
    };
    await hook?.(info);
  };
}
