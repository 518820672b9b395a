/**
 * The backbone plugin entries of this package (the plugin contract's BackbonePlugin shape, typed
 * here until @vlmopt/core exports it). A LIGHT module: it imports no vendor code, no sharp, no SDK;
 * `create()` imports the adapter on first use, so `vlmopt --help` and runs with other backbones
 * never load it.
 */
import type { ClipEncoder, EmbeddingCache, EmbeddingPrice, SpendLedger } from "@vlmopt/core";
import { priceOfEmbeddingSpec } from "./prices.js";
import { type EmbeddingApiSpec, type EmbeddingVendor, parseEmbeddingApiSpec, VENDORS } from "./spec.js";

export interface PluginHelp {
  form: string;
  description: string;
}

/** What a backbone's create() is given (the registry's BackboneCreateOptions, the parts used here). */
export interface EmbeddingApiCreateOptions {
  env?: Record<string, string | undefined>;
  baseURL?: string;
  fetch?: typeof fetch;
  cache?: EmbeddingCache;
  ledger?: SpendLedger;
  price?: EmbeddingPrice;
  timeoutMs?: number;
  maxRetries?: number;
  onRetry?: (info: {
    what: string;
    retry: number;
    maxRetries: number;
    delayMs: number;
    reason: string;
  }) => void;
}

export interface EmbeddingApiBackbonePlugin {
  readonly specificationVersion: "v1";
  readonly kind: "backbone";
  readonly prefixes: readonly string[];
  readonly help: readonly PluginHelp[];
  parse(rest: string, prefix: string | null): EmbeddingApiSpec;
  requiredEnv(parsed: EmbeddingApiSpec): readonly string[];
  price(parsed: EmbeddingApiSpec): EmbeddingPrice | null;
  create(parsed: EmbeddingApiSpec, options: EmbeddingApiCreateOptions): Promise<ClipEncoder>;
}

/** The spec text of a parsed spec (the encoder's id). */
export function specText(p: EmbeddingApiSpec): string {
  const params: string[] = [];
  if (p.dimensions !== null) params.push(`dimensions=${p.dimensions}`);
  if (p.vendor === "openai-compatible-embed" && p.dialect !== "vllm") params.push(`api=${p.dialect}`);
  const base = p.vendor === "openai-compatible-embed" ? `${p.model}@${p.url}` : p.model;
  return `${p.vendor}:${base}${params.length ? `?${params.join("&")}` : ""}`;
}

function entry(vendor: EmbeddingVendor): EmbeddingApiBackbonePlugin {
  const info = VENDORS[vendor];
  return {
    specificationVersion: "v1",
    kind: "backbone",
    prefixes: [vendor],
    help: [{ form: info.form, description: info.description }],
    parse: (rest) => parseEmbeddingApiSpec(`${vendor}:${rest}`),
    requiredEnv: (parsed) => (VENDORS[parsed.vendor].keyRequired ? [info.keyVariable] : []),
    price: (parsed) => priceOfEmbeddingSpec(parsed),
    async create(parsed, options) {
      const m = await import("./create-encoder.js");
      return m.createEmbeddingApiEncoder(specText(parsed), options);
    },
  };
}

export const jinaBackbone = entry("jina");
export const openAiCompatibleEmbedBackbone = entry("openai-compatible-embed");

/** Every backbone of this package; a new vendor = one adapter file + one line here. */
export const embeddingApiPlugins: readonly EmbeddingApiBackbonePlugin[] = [
  jinaBackbone,
  openAiCompatibleEmbedBackbone,
];

export { priceOfEmbeddingSpec } from "./prices.js";
export { embeddingVendorOf, parseEmbeddingApiSpec, VENDORS } from "./spec.js";
