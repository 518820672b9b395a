/**
 * The LLM-provider plugin entry shape of /work/reports/plugin-contract.md, typed here until the
 * registry's own types land in core (the entries below then type-check against those unchanged).
 */
import type { LlmProvider, ModelPrice } from "@vlmopt/core";
import type { HttpProviderOptions } from "./http-provider-options.js";

export interface PluginHelp {
  form: string;
  description: string;
}

/** What `create` is given: the HTTP options plus the rest of the CLI's provider settings. */
export interface LlmCreateOptions extends Omit<HttpProviderOptions, "model" | "defaultMaxTokens"> {
  cacheDir?: string;
  seed?: number;
  threads?: number;
}

export interface LlmProviderEntry<P = unknown> {
  readonly specificationVersion: "v1";
  readonly kind: "llm-provider";
  readonly prefixes: readonly string[];
  readonly help: readonly PluginHelp[];
  parse(rest: string, prefix: string): P;
  requiredEnv?(parsed: P): readonly string[];
  check?(parsed: P, env: Record<string, string | undefined>): void;
  price?(parsed: P): ModelPrice | null;
  create(parsed: P, options: LlmCreateOptions): LlmProvider | Promise<LlmProvider>;
}

/** The HTTP providers' part of the create options (the cache, seed and threads are not theirs). */
export function httpOptionsOf(options: LlmCreateOptions): Omit<HttpProviderOptions, "model"> {
  const { cacheDir: _c, seed: _s, threads: _t, ...http } = options;
  return http;
}
