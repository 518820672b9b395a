/**
 * The backbone plugin entries of this package (the plugin contract's BackbonePlugin shape, typed
 * here until @vlmopt/core exports it). A LIGHT module: it imports no vendor code, no sharp, no SDK;
 * `create()` imports the adapter on first use, so `vlmopt --help` and runs with other backbones
 * never load it.
 */
import type {
  BackboneCreateOptions,
  BackbonePlugin,
  EmbeddingCache,
  EmbeddingPrice,
  SpendLedger,
} from "@vlmopt/core";
import { priceOfEmbeddingSpec } from "./prices.js";
import { type EmbeddingApiSpec, type EmbeddingVendor, parseEmbeddingApiSpec, vendorInfo } from "./spec.js";
import { VENDOR_DESCRIPTIONS } from "./vendor-list.js";

/** What create() reads besides core's BackboneCreateOptions (env, baseURL, fetch). */
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

/** BackboneCreateOptions as the apps pass them to an embedding-API backbone. */
export type EmbeddingApiBackboneOptions = BackboneCreateOptions & {
  api?: EmbeddingApiCreateOptions;
  /** `--dry-run`: count what would be sent, send nothing. */
  dryRun?: boolean;
};

export type EmbeddingApiBackbonePlugin = BackbonePlugin<EmbeddingApiSpec> & {
  readonly prefixes: readonly string[];
  requiredEnv(parsed: EmbeddingApiSpec): readonly string[];
  price(parsed: EmbeddingApiSpec): EmbeddingPrice | null;
};

/** The spec text of a parsed spec (the encoder's id). */
export function specText(p: EmbeddingApiSpec): string {
  const params: string[] = [];
  if (p.dimensions !== null) params.push(`dimensions=${p.dimensions}`);
  if (p.dialect !== "vllm") params.push(`api=${p.dialect}`);
  const base = p.url !== null ? `${p.model}@${p.url}` : p.model;
  return `${p.vendor}:${base}${params.length ? `?${params.join("&")}` : ""}`;
}

function entry(vendor: EmbeddingVendor): EmbeddingApiBackbonePlugin {
  const info = vendorInfo(vendor);
  return {
    specificationVersion: "v1",
    kind: "backbone",
    prefixes: [vendor],
    help: [{ form: info.form, description: info.description }],
    list: () => [{ name: info.form, description: info.description, layout: "embedding API", repo: "-" }],
    parse: (rest) => parseEmbeddingApiSpec(`${vendor}:${rest}`),
    requiredEnv: (parsed) => (vendorInfo(parsed.vendor).keyRequired ? [info.keyVariable] : []),
    price: (parsed) => priceOfEmbeddingSpec(parsed),
    async create(parsed, options: EmbeddingApiBackboneOptions) {
      const m = await import("./create-encoder.js");
      const api: EmbeddingApiCreateOptions = {
        ...(options.env ? { env: options.env } : {}),
        ...(options.baseURL ? { baseURL: options.baseURL } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...options.api,
      };
      return m.createEmbeddingApiBackbone(specText(parsed), {
        api,
        ...(options.dryRun ? { dryRun: true } : {}),
      });
    },
  };
}

/** Every backbone of this package, one per vendor description (a new vendor = one file in vendors/ + one line in vendor-list.ts). */
export const embeddingApiPlugins: readonly EmbeddingApiBackbonePlugin[] = VENDOR_DESCRIPTIONS.map((d) =>
  entry(d.prefix),
);

function backboneOf(prefix: string): EmbeddingApiBackbonePlugin {
  const found = embeddingApiPlugins.find((p) => p.prefixes.includes(prefix));
  if (found === undefined)
    throw new Error(`embedding-apis: no vendor description has the prefix "${prefix}"`);
  return found;
}

export const jinaBackbone = backboneOf("jina");
export const cohereBackbone = backboneOf("cohere");
export const voyageBackbone = backboneOf("voyage");
export const nomicBackbone = backboneOf("nomic");
export const bedrockBackbone = backboneOf("bedrock");
export const vertexBackbone = backboneOf("vertex");
export const openAiCompatibleEmbedBackbone = backboneOf("openai-compatible-embed");

export { priceOfEmbeddingSpec } from "./prices.js";
export { embeddingVendorOf, parseEmbeddingApiSpec, VENDORS, vendorInfo } from "./spec.js";
