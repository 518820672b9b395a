import { ConfigError, type LlmProvider, type ModelPrice } from "@vlmopt/core";
import { AzureOpenAI } from "openai";
import { AnthropicProvider } from "./anthropic-provider.js";
import { type AzureOpenAISpec, azureOpenAIOptions, azureOpenAIPlugin } from "./azure-openai.js";
import { type HostedPresetSpec, hostedPresetOptions, hostedPresetsPlugin } from "./hosted-presets.js";
import type { HttpProviderOptions } from "./http-provider-options.js";
import { LlamaCppProvider } from "./llama-cpp-provider.js";
import { NEW_PROVIDER_ENTRIES } from "./new-provider-entries.js";
import { OpenAIProvider } from "./openai-provider.js";
import { priceFor } from "./prices.js";
import { httpOptionsOf, type LlmProviderEntry } from "./provider-entry.js";
import { checkProviderPaths } from "./provider-paths.js";
import { ReplayProvider } from "./replay-provider.js";
import { withReplyCache } from "./reply-cache.js";
import { SimulatedProvider } from "./simulated-provider.js";

/** The HTTP providers' options (key, base URL overriding the spec's, fetch, timeout, retries, ...), plus: */
export interface ProviderOptions extends Omit<HttpProviderOptions, "model" | "defaultMaxTokens"> {
  /** Enables the disk reply cache in this directory. */
  cacheDir?: string;
  /** llama-cpp: CPU threads (default 1 on ≤ 2 cores). */
  threads?: number;
  /** simulated / llama-cpp: sampler seed (overrides `simulated:<seed>`). */
  seed?: number;
}

/** Local OpenAI-compatible servers and their default ports. */
export const OPENAI_COMPATIBLE_PRESETS = {
  ollama: "http://127.0.0.1:11434/v1",
  vllm: "http://127.0.0.1:8000/v1",
  llamacpp: "http://127.0.0.1:8080/v1",
} as const;

export type ParsedProviderSpec =
  | { kind: "anthropic"; model: string }
  | { kind: "openai"; model: string }
  | {
      kind: "openai-compatible";
      model: string;
      baseURL: string;
      preset?: keyof typeof OPENAI_COMPATIBLE_PRESETS;
    }
  | { kind: "llama-cpp"; modelPath: string }
  | { kind: "simulated"; seed: number }
  | { kind: "replay"; runDir: string }
  | { kind: "entry"; entry: LlmProviderEntry; parsed: unknown };

export const PROVIDER_SPEC_FORMS = [
  "anthropic:<model>            e.g. anthropic:claude-haiku-4-5",
  "openai:<model>               e.g. openai:gpt-4o-mini",
  "openai-compatible:<model>@<baseURL>  e.g. openai-compatible:qwen2.5@http://127.0.0.1:1234/v1",
  `ollama:<model>               (${OPENAI_COMPATIBLE_PRESETS.ollama})`,
  `vllm:<model>                 (${OPENAI_COMPATIBLE_PRESETS.vllm})`,
  `llamacpp:<model>             (llama.cpp server, ${OPENAI_COMPATIBLE_PRESETS.llamacpp})`,
  "llama-cpp:<path/to/model.gguf>  (in-process, node-llama-cpp)",
  "simulated | simulated:<seed>     (not an LLM: word-level edits, free)",
  "replay:<run-dir>             (serves a finished run's recorded replies)",
  ...NEW_PROVIDER_ENTRIES.flatMap((e) => e.help.map((h) => `${h.form}  ${h.description}`)),
];

function invalid(spec: string, why: string): ConfigError {
  return new ConfigError(`--llm ${JSON.stringify(spec)} ${why}`, {
    hint: `use one of:\n  ${PROVIDER_SPEC_FORMS.join("\n  ")}`,
  });
}

/** Parses a provider spec string; a ConfigError lists the valid forms. */
export function parseProviderSpec(spec: string): ParsedProviderSpec {
  const s = spec.trim();
  if (s === "simulated") return { kind: "simulated", seed: 0 };
  const colon = s.indexOf(":");
  if (colon <= 0) throw invalid(spec, "is not a provider spec");
  const kind = s.slice(0, colon);
  const rest = s.slice(colon + 1).trim();
  if (rest === "") throw invalid(spec, `names no ${kind === "replay" ? "run directory" : "model"}`);
  switch (kind) {
    case "anthropic":
    case "openai":
      return { kind, model: rest };
    case "openai-compatible": {
      const at = rest.lastIndexOf("@");
      const model = at > 0 ? rest.slice(0, at) : "";
      const baseURL = at > 0 ? rest.slice(at + 1) : "";
      if (!model || !/^https?:\/\/\S+$/.test(baseURL)) {
        throw invalid(spec, "must be openai-compatible:<model>@<http(s)://host:port/v1>");
      }
      return { kind, model, baseURL };
    }
    case "ollama":
    case "vllm":
    case "llamacpp":
      return {
        kind: "openai-compatible",
        model: rest,
        baseURL: OPENAI_COMPATIBLE_PRESETS[kind],
        preset: kind,
      };
    case "llama-cpp":
      return { kind, modelPath: rest };
    case "simulated": {
      if (!/^-?\d+$/.test(rest)) throw invalid(spec, "has a seed that is not a whole number");
      return { kind, seed: Number(rest) };
    }
    case "replay":
      return { kind, runDir: rest };
    default: {
      const entry = NEW_PROVIDER_ENTRIES.find((e) => e.prefixes.includes(kind));
      if (entry) return { kind: "entry", entry, parsed: entry.parse(rest, kind) };
      throw invalid(spec, `has an unknown provider "${kind}"`);
    }
  }
}

/** Environment variables a spec needs (for the CLI's preflight and --help). */
export function requiredEnv(spec: string): string[] {
  const parsed = parseProviderSpec(spec);
  if (parsed.kind === "anthropic") return ["ANTHROPIC_API_KEY"];
  if (parsed.kind === "openai") return ["OPENAI_API_KEY"];
  if (parsed.kind === "entry") return [...(parsed.entry.requiredEnv?.(parsed.parsed) ?? [])];
  return [];
}

/**
 * The CLI's preflight, before any work starts (no run directory written, nothing loaded): parses
 * the spec, then throws a ConfigError ("ANTHROPIC_API_KEY is not set — set it, or use --llm
 * simulated") when its key is missing, or when a local path it names is unusable
 * (`replay:<dir>` without a readable `<dir>/events.jsonl`; `llama-cpp:<file>` that is not an
 * existing GGUF file). Same as `checkProviderSpec`.
 */
export function checkCredentials(spec: string, env: Record<string, string | undefined> = process.env): void {
  checkProviderSpec(spec, env);
}

/**
 * Validates a provider spec before any work: its form (ConfigError listing the valid forms), its
 * API key in `env`, and the local paths it names (see `checkProviderPaths`). Loads no model and
 * makes no request.
 */
export function checkProviderSpec(spec: string, env: Record<string, string | undefined> = process.env): void {
  const parsed = parseProviderSpec(spec);
  for (const variable of requiredEnv(spec)) {
    const value = env[variable];
    if (value === undefined || value.trim() === "") {
      throw new ConfigError(`${variable} is not set — set it, or use --llm simulated`, {
        hint: `export ${variable}=… before running with --llm ${spec.trim()}`,
      });
    }
  }
  if (parsed.kind === "entry") parsed.entry.check?.(parsed.parsed, env);
  else checkProviderPaths(parsed);
}

const FREE: ModelPrice = { inputPerMTok: 0, outputPerMTok: 0 };

/**
 * The price the provider a spec names would charge, without creating it (no key needed): the
 * price table's entry for Anthropic and OpenAI models, 0 for local models (presets, GGUF) and for
 * simulated/replayed replies, null when unknown (an arbitrary OpenAI-compatible endpoint, a model
 * missing from the table). Used to estimate a run's cost before spending money.
 */
export function priceOfSpec(spec: string): ModelPrice | null {
  const parsed = parseProviderSpec(spec);
  switch (parsed.kind) {
    case "anthropic":
    case "openai":
      return priceFor(parsed.kind, parsed.model);
    case "openai-compatible":
      return parsed.preset ? { ...FREE } : null;
    case "entry":
      return parsed.entry.price?.(parsed.parsed) ?? null;
    default:
      return { ...FREE };
  }
}

/** Builds the provider a spec names, optionally behind the disk reply cache. */
export function createProvider(spec: string, options: ProviderOptions = {}): LlmProvider {
  const parsed = parseProviderSpec(spec);
  // What the HTTP providers take; the spec decides the model and (unless overridden) the base URL.
  const { cacheDir: _cacheDir, threads: _threads, seed: _seed, baseURL: _baseURL, ...http } = options;
  let provider: LlmProvider;
  switch (parsed.kind) {
    case "anthropic":
      provider = new AnthropicProvider({
        ...http,
        model: parsed.model,
        ...(options.baseURL ? { baseURL: options.baseURL } : {}),
      });
      break;
    case "openai":
      provider = new OpenAIProvider({
        ...http,
        model: parsed.model,
        ...(options.baseURL ? { baseURL: options.baseURL } : {}),
      });
      break;
    case "openai-compatible":
      provider = new OpenAIProvider({
        // A local server costs nothing; an arbitrary endpoint's price is unknown unless given.
        ...(parsed.preset ? { price: { inputPerMTok: 0, outputPerMTok: 0 } } : {}),
        ...http,
        model: parsed.model,
        baseURL: options.baseURL ?? parsed.baseURL,
        flavor: "openai-compatible",
      });
      break;
    case "llama-cpp":
      provider = new LlamaCppProvider({
        modelPath: parsed.modelPath,
        ...(options.threads !== undefined ? { threads: options.threads } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
      });
      break;
    case "simulated":
      return new SimulatedProvider({ seed: options.seed ?? parsed.seed });
    case "replay":
      return new ReplayProvider(parsed.runDir);
    case "entry":
      provider = createEntryNow(parsed.entry, parsed.parsed, options);
      break;
  }
  return options.cacheDir ? withReplyCache(provider, { dir: options.cacheDir }) : provider;
}

/**
 * Creates an entry's provider synchronously (this module's API is synchronous until the registry
 * lands): the two entries over the `openai` SDK, which this module already loads, are built
 * here; the others' create() is synchronous and their SDKs load on the first call.
 */
function createEntryNow(entry: LlmProviderEntry, parsed: unknown, options: ProviderOptions): LlmProvider {
  const http = httpOptionsOf(options);
  if (entry === (hostedPresetsPlugin as LlmProviderEntry))
    return new OpenAIProvider(hostedPresetOptions(parsed as HostedPresetSpec, http));
  if (entry === (azureOpenAIPlugin as LlmProviderEntry))
    return new OpenAIProvider(azureOpenAIOptions(parsed as AzureOpenAISpec, http, AzureOpenAI));
  const made = entry.create(parsed, options);
  if (made instanceof Promise)
    throw new TypeError(`${entry.prefixes.join("/")}: create() must be synchronous here`);
  return made;
}
