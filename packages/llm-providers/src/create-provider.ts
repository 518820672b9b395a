import type { LlmProvider, ModelPrice } from "@vlmopt/core";
import type { HttpProviderOptions } from "./http-provider-options.js";
import type { OpenAICompatibleSpec } from "./plugins/openai-compatible.js";
import { llmProviderPlugins } from "./plugins.js";
import { checkLlmSpec, createFromLlmSpec, llmSpecForms, matchLlmSpec } from "./provider-spec.js";

/**
 * The built-in entries (src/plugins.ts) behind the spec-string API: `createProvider("anthropic:m")`.
 * The registry (@vlmopt/registry) does the same over the built-ins plus registered plugins.
 */

/** The HTTP providers' options (key, base URL overriding the spec's, fetch, timeout, retries, ...), plus: */
export interface ProviderOptions extends Omit<HttpProviderOptions, "model" | "defaultMaxTokens" | "price"> {
  price?: ModelPrice;
  /** Enables the disk reply cache in this directory. */
  cacheDir?: string;
  /** llama-cpp: CPU threads (default 1 on ≤ 2 cores). */
  threads?: number;
  /** simulated / llama-cpp: sampler seed (overrides `simulated:<seed>`). */
  seed?: number;
}

export { OPENAI_COMPATIBLE_PRESETS } from "./plugins/openai-compatible.js";

/** What the built-in entries parse a spec into. */
export type ParsedProviderSpec =
  | { kind: "anthropic"; model: string }
  | { kind: "openai"; model: string }
  | OpenAICompatibleSpec
  | { kind: "llama-cpp"; modelPath: string }
  | { kind: "simulated"; seed: number }
  | { kind: "replay"; runDir: string };

/** One help line per spec form of the built-in providers. */
export const PROVIDER_SPEC_FORMS: readonly string[] = llmSpecForms(llmProviderPlugins);

/** Parses a provider spec string; a ConfigError lists the valid forms. */
export function parseProviderSpec(spec: string): ParsedProviderSpec {
  return matchLlmSpec(llmProviderPlugins, spec).parsed as ParsedProviderSpec;
}

/** Environment variables a spec needs (for the CLI's preflight and --help). */
export function requiredEnv(spec: string): string[] {
  const m = matchLlmSpec(llmProviderPlugins, spec);
  return [...(m.plugin.requiredEnv?.(m.parsed) ?? [])];
}

/**
 * The CLI's preflight, before any work starts (no run directory written, nothing loaded): parses
 * the spec, then throws a ConfigError ("ANTHROPIC_API_KEY is not set — set it, or use --llm
 * simulated") when its key is missing, or when a local path it names is unusable
 * (`replay:<dir>` without a readable `<dir>/events.jsonl`; `llama-cpp:<file>` that is not an
 * existing GGUF file). Same as `checkProviderSpec`.
 */
export function checkCredentials(spec: string, env: Record<string, string | undefined> = process.env): void {
  checkLlmSpec(llmProviderPlugins, spec, env);
}

/**
 * Validates a provider spec before any work: its form (ConfigError listing the valid forms), its
 * API key in `env`, and the local paths it names (see `checkProviderPaths`). Loads no model and
 * makes no request.
 */
export function checkProviderSpec(spec: string, env: Record<string, string | undefined> = process.env): void {
  checkLlmSpec(llmProviderPlugins, spec, env);
}

/**
 * The price the provider a spec names would charge, without creating it (no key needed): the
 * price table's entry for Anthropic and OpenAI models, 0 for local models (presets, GGUF) and for
 * simulated/replayed replies, null when unknown (an arbitrary OpenAI-compatible endpoint, a model
 * missing from the table). Used to estimate a run's cost before spending money.
 */
export function priceOfSpec(spec: string): ModelPrice | null {
  const m = matchLlmSpec(llmProviderPlugins, spec);
  return m.plugin.price?.(m.parsed) ?? null;
}

/** Builds the provider a spec names, optionally behind the disk reply cache. */
export function createProvider(spec: string, options: ProviderOptions = {}): Promise<LlmProvider> {
  return createFromLlmSpec(llmProviderPlugins, spec, options);
}
