import { ConfigError } from "@vlmopt/core";
import { VENDOR_DESCRIPTIONS, vendorDescription } from "./vendor-list.js";

/** A vendor's --model prefix ("jina"); the vendors are the descriptions in vendors/. */
export type EmbeddingVendor = string;

/** What a vendor needs from the environment, and where it lives by default. */
export interface VendorInfo {
  vendor: EmbeddingVendor;
  /** The variable holding the API key (required when `keyRequired`). */
  keyVariable: string;
  keyRequired: boolean;
  /** `<VENDOR>_BASE_URL`: overrides the default base URL (the --model-base-url flag wins). */
  baseUrlVariable: string;
  defaultBaseURL: string | null;
  form: string;
  description: string;
}

export const VENDORS: Record<EmbeddingVendor, VendorInfo> = Object.fromEntries(
  VENDOR_DESCRIPTIONS.map((d) => [
    d.prefix,
    {
      vendor: d.prefix,
      keyVariable: d.keyVariable,
      keyRequired: d.keyRequired,
      baseUrlVariable: d.baseUrlVariable,
      defaultBaseURL: d.defaultBase,
      form: d.form,
      description: d.description,
    },
  ]),
);

/** The VendorInfo of a known prefix. */
export function vendorInfo(vendor: EmbeddingVendor): VendorInfo {
  const d = vendorDescription(vendor);
  return {
    vendor: d.prefix,
    keyVariable: d.keyVariable,
    keyRequired: d.keyRequired,
    baseUrlVariable: d.baseUrlVariable,
    defaultBaseURL: d.defaultBase,
    form: d.form,
    description: d.description,
  };
}

export interface EmbeddingApiSpec {
  vendor: EmbeddingVendor;
  model: string;
  /** The URL of `openai-compatible-embed:<model>@<url>`. */
  url: string | null;
  /** `?dimensions=N`: output size asked of the API; null = the model's default. */
  dimensions: number | null;
  /** `?api=`: the openai-compatible-embed request dialect. */
  dialect: "vllm" | "infinity";
}

/** The vendor a --model spec names ("jina" of "jina:jina-clip-v2"), or null for other backbones. */
export function embeddingVendorOf(spec: string): EmbeddingVendor | null {
  const prefix = spec.trim().split(":")[0] as string;
  return Object.hasOwn(VENDORS, prefix) && spec.includes(":") ? (prefix as EmbeddingVendor) : null;
}

const description = (vendor: EmbeddingVendor) =>
  VENDOR_DESCRIPTIONS.find((d) => d.prefix === vendor) as (typeof VENDOR_DESCRIPTIONS)[number];

const usage = (spec: string, why: string, vendor: EmbeddingVendor) =>
  new ConfigError(`--model ${JSON.stringify(spec)}: ${why}`, {
    hint: `the form is ${vendorInfo(vendor).form}`,
  });

/** Parses `jina:<model>[?dimensions=N]` and `openai-compatible-embed:<model>@<url>[?api=..]`. */
export function parseEmbeddingApiSpec(spec: string): EmbeddingApiSpec {
  const vendor = embeddingVendorOf(spec);
  if (!vendor) throw new ConfigError(`--model ${JSON.stringify(spec)} is not an embedding API spec`);
  let rest = spec.trim().slice(vendor.length + 1);
  const params = new Map<string, string>();
  const q = rest.lastIndexOf("?");
  if (q >= 0) {
    for (const part of rest.slice(q + 1).split("&")) {
      const [k, v = ""] = part.split("=");
      if (k) params.set(k, v);
    }
    rest = rest.slice(0, q);
  }
  for (const k of params.keys()) {
    if (k !== "dimensions" && !(description(vendor).extraParams ?? []).includes(k)) {
      throw usage(spec, `unknown parameter ?${k}=`, vendor);
    }
  }
  let dimensions: number | null = null;
  const d = params.get("dimensions");
  if (d !== undefined) {
    dimensions = Number(d);
    if (!Number.isInteger(dimensions) || dimensions < 1) {
      throw usage(spec, `?dimensions=${d} is not a whole number ≥ 1`, vendor);
    }
  }
  const api = params.get("api") ?? "vllm";
  if (api !== "vllm" && api !== "infinity") throw usage(spec, `?api=${api} is not vllm or infinity`, vendor);
  const fail = (why: string): never => {
    throw usage(spec, why, vendor);
  };
  const { model, url } = description(vendor).parseModel?.(rest, dimensions, fail) ?? {
    model: rest,
    url: null,
  };
  if (model.trim() === "") throw usage(spec, "the model name is missing", vendor);
  return { vendor, model: model.trim(), url, dimensions, dialect: api };
}
