import type { LlmCreateOptions } from "@vlmopt/core";
import type { HttpProviderOptions } from "../http-provider-options.js";

/** The options the HTTP providers take (the caller's key, fetch, timeout, retries, price, ...). */
export type HttpCreateOptions = LlmCreateOptions &
  Partial<Pick<HttpProviderOptions, "retry" | "concurrency">>;

/** The HTTP providers' share of the create options: all but the reply cache and local-model settings. */
export function httpOptionsOf(options: HttpCreateOptions): Omit<HttpProviderOptions, "model"> {
  const { cacheDir: _c, threads: _t, seed: _s, baseURL, ...http } = options;
  return { ...http, ...(baseURL ? { baseURL } : {}) };
}
