import { isAbsolute, resolve } from "node:path";
import { ConfigError, type LlmCreateOptions, type LlmProvider, type LlmProviderPlugin } from "@vlmopt/core";

/** A spec matched to the provider entry that owns its prefix. */
export interface MatchedLlmSpec {
  plugin: LlmProviderPlugin;
  prefix: string;
  parsed: unknown;
  /** The spec as given, trimmed. */
  spec: string;
}

/** The help lines of every entry, aligned ("anthropic:<model>   Anthropic Messages API ..."). */
export function llmSpecForms(plugins: readonly LlmProviderPlugin[]): string[] {
  const help = plugins.flatMap((p) => p.help);
  const width = Math.max(0, ...help.map((h) => h.form.length)) + 2;
  return help.map((h) => `${h.form.padEnd(width)}${h.description}`);
}

function hinted(error: unknown, plugins: readonly LlmProviderPlugin[]): unknown {
  if (!ConfigError.isInstance(error) || error.hint !== undefined) return error;
  return new ConfigError(error.message, { hint: `use one of:\n  ${llmSpecForms(plugins).join("\n  ")}` });
}

/** A ConfigError for a bad --llm spec; the lookup adds the list of valid forms as its hint. */
export function invalidLlmSpec(spec: string, why: string): ConfigError {
  return new ConfigError(`--llm ${JSON.stringify(spec)} ${why}`);
}

/**
 * The text after "<prefix>:" of a spec, or a ConfigError when it is empty ("names no model").
 * Used by entries whose spec must name something.
 */
export function requireRest(rest: string, spec: string, what = "model"): string {
  if (rest === "") throw invalidLlmSpec(spec, `names no ${what}`);
  return rest;
}

/** The prefix of a spec: the text before its first ":" (the whole spec when it has none). */
export function llmPrefixOf(spec: string): string {
  const s = spec.trim();
  const colon = s.indexOf(":");
  return colon < 0 ? s : s.slice(0, colon);
}

/**
 * Finds the entry that owns a spec's prefix and parses the rest. A ConfigError (listing the
 * valid forms) when no entry owns it or the entry rejects it.
 */
export function matchLlmSpec(plugins: readonly LlmProviderPlugin[], given: string): MatchedLlmSpec {
  const spec = given.trim();
  const colon = spec.indexOf(":");
  const prefix = llmPrefixOf(spec);
  const plugin = plugins.find((p) => p.prefixes.includes(prefix));
  try {
    if (!plugin || colon === 0) {
      throw invalidLlmSpec(
        given,
        colon <= 0 ? "is not a provider spec" : `has an unknown provider "${prefix}"`,
      );
    }
    const rest = colon < 0 ? "" : spec.slice(colon + 1).trim();
    return { plugin, prefix, parsed: plugin.parse(rest, prefix, given), spec };
  } catch (error) {
    throw hinted(error, plugins);
  }
}

/**
 * The preflight, before any work (nothing loaded, no request): the spec's form, its env vars in
 * `env` ("ANTHROPIC_API_KEY is not set — set it, or use --llm simulated"), then the entry's own
 * checks (local paths).
 */
export function checkLlmSpec(
  plugins: readonly LlmProviderPlugin[],
  spec: string,
  env: Record<string, string | undefined>,
): void {
  const m = matchLlmSpec(plugins, spec);
  for (const variable of m.plugin.requiredEnv?.(m.parsed) ?? []) {
    const value = env[variable];
    if (value === undefined || value.trim() === "") {
      throw new ConfigError(`${variable} is not set — set it, or use --llm simulated`, {
        hint: `export ${variable}=… before running with --llm ${m.spec}`,
      });
    }
  }
  m.plugin.check?.(m.parsed, env);
}

/** Builds the provider a spec names, behind the disk reply cache when `cacheDir` is given and it applies. */
export async function createFromLlmSpec(
  plugins: readonly LlmProviderPlugin[],
  spec: string,
  options: LlmCreateOptions = {},
): Promise<LlmProvider> {
  const m = matchLlmSpec(plugins, spec);
  const provider = await m.plugin.create(m.parsed, options);
  if (!options.cacheDir || m.plugin.cacheable?.(m.parsed) === false) return provider;
  const { withReplyCache } = await import("./reply-cache.js");
  return withReplyCache(provider, { dir: options.cacheDir });
}

/** A path named by a spec, made absolute against `cwd` (so a check, the provider and a resume agree). */
export function absoluteSpecPath(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}
