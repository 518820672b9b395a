import type { EmbeddingPrice } from "@vlmopt/core";
import type { ApiLimits, EmbeddingProtocol } from "./api-encoder.js";

/** What a vendor's lazy protocol factory gets: the parsed spec and the resolved options. */
export interface VendorProtocolContext {
  spec: string;
  model: string;
  baseURL: string;
  /** The base URL given by --model-base-url or `<VENDOR>_BASE_URL`, if any. */
  endpoint?: string;
  env: Record<string, string | undefined>;
  apiKey?: string;
  dimensions: number | null;
  dialect: "vllm" | "infinity";
  timeoutMs: number;
  fetch?: typeof fetch;
  limits?: Partial<ApiLimits>;
}

/** A protocol and its output size: known, or "probe" (ask the server once). */
export interface VendorProtocol {
  protocol: EmbeddingProtocol;
  dim: number | "probe" | undefined;
  /** The hint when the output size is unknown (default: give ?dimensions=N). */
  unknownDimHint?: string;
}

/**
 * One embedding vendor, self-described (the vercel/ai provider style). A LIGHT module: its heavy
 * adapter/SDK is imported inside `protocol()` and `defaultBaseURL()` only.
 */
export interface EmbeddingVendorDescription {
  prefix: string;
  /** The --model form and the help line. */
  form: string;
  description: string;
  /** The variable holding the API key (required when `keyRequired`). */
  keyVariable: string;
  keyRequired: boolean;
  /** `<VENDOR>_BASE_URL`: overrides the default base URL (the --model-base-url flag wins). */
  baseUrlVariable: string;
  /** The constant default base URL, or null (computed by `defaultBaseURL()`, or given in the spec). */
  defaultBase: string | null;
  /** `?name=` parameters it accepts besides dimensions. */
  extraParams?: readonly string[];
  /** Splits/validates the model part; `fail(why)` throws the usage error. */
  parseModel?(
    rest: string,
    dimensions: number | null,
    fail: (why: string) => never,
  ): { model: string; url: string | null };
  /** List prices by model (see prices.ts), or one price for every model. */
  prices: Record<string, EmbeddingPrice | null> | EmbeddingPrice;
  /** Computes the default base URL from the environment when it is not a constant. */
  defaultBaseURL?: (env: Record<string, string | undefined>) => Promise<string>;
  protocol(ctx: VendorProtocolContext): Promise<VendorProtocol>;
}

/** The options every HTTP adapter takes. */
export const common = (c: VendorProtocolContext) => ({
  model: c.model,
  baseURL: c.baseURL,
  dimensions: c.dimensions,
  timeoutMs: c.timeoutMs,
  ...(c.fetch ? { fetch: c.fetch } : {}),
  ...(c.limits ? { limits: c.limits } : {}),
});
