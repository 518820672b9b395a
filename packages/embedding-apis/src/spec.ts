import { ConfigError } from "@vlmopt/core";

/** The vendors this package speaks to, by their --model prefix. */
export type EmbeddingVendor =
  | "jina"
  | "cohere"
  | "voyage"
  | "nomic"
  | "bedrock"
  | "vertex"
  | "openai-compatible-embed";

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

export const VENDORS: Record<EmbeddingVendor, VendorInfo> = {
  jina: {
    vendor: "jina",
    keyVariable: "JINA_API_KEY",
    keyRequired: true,
    baseUrlVariable: "JINA_BASE_URL",
    defaultBaseURL: "https://api.jina.ai/v1",
    form: "jina:<model>[?dimensions=N]",
    description: "Jina embeddings API, e.g. jina:jina-clip-v2 (needs JINA_API_KEY; JINA_BASE_URL)",
  },
  cohere: {
    vendor: "cohere",
    keyVariable: "CO_API_KEY",
    keyRequired: true,
    baseUrlVariable: "CO_API_URL",
    defaultBaseURL: "https://api.cohere.com",
    form: "cohere:<model>[?dimensions=N]",
    description:
      "Cohere embed (official cohere-ai SDK), e.g. cohere:embed-v4.0 (needs CO_API_KEY; CO_API_URL)",
  },
  voyage: {
    vendor: "voyage",
    keyVariable: "VOYAGE_API_KEY",
    keyRequired: true,
    baseUrlVariable: "VOYAGE_BASE_URL",
    defaultBaseURL: "https://api.voyageai.com/v1",
    form: "voyage:<model>",
    description:
      "Voyage multimodal embeddings (official voyageai SDK), e.g. voyage:voyage-multimodal-3 (needs VOYAGE_API_KEY; VOYAGE_BASE_URL)",
  },
  nomic: {
    vendor: "nomic",
    keyVariable: "NOMIC_API_KEY",
    keyRequired: true,
    baseUrlVariable: "NOMIC_BASE_URL",
    defaultBaseURL: "https://api-atlas.nomic.ai",
    form: "nomic:<vision model>+<text model>",
    description:
      "Nomic's image and text embedding endpoints, e.g. nomic:nomic-embed-vision-v1.5+nomic-embed-text-v1.5 (needs NOMIC_API_KEY; NOMIC_BASE_URL)",
  },
  bedrock: {
    vendor: "bedrock",
    // Credentials come from the AWS SDK's chain (profile, SSO, roles, AWS_ACCESS_KEY_ID): no key check.
    keyVariable: "AWS_ACCESS_KEY_ID",
    keyRequired: false,
    baseUrlVariable: "BEDROCK_BASE_URL",
    // The region's endpoint, chosen by the SDK (see vendors/bedrock.ts).
    defaultBaseURL: null,
    form: "bedrock:<model id>[?dimensions=256|384|1024]",
    description:
      "Amazon Bedrock InvokeModel (official AWS SDK), e.g. bedrock:amazon.titan-embed-image-v1 (AWS credentials and region from the SDK chain; BEDROCK_BASE_URL)",
  },
  vertex: {
    vendor: "vertex",
    // Application Default Credentials (google-auth-library): no key check.
    keyVariable: "VERTEX_ACCESS_TOKEN",
    keyRequired: false,
    baseUrlVariable: "VERTEX_BASE_URL",
    // https://{GOOGLE_CLOUD_LOCATION}-aiplatform.googleapis.com/v1 (see vendors/vertex.ts).
    defaultBaseURL: null,
    form: "vertex:<model>[?dimensions=N]",
    description:
      "Vertex AI multimodal embeddings (:predict), e.g. vertex:multimodalembedding@001 (Application Default Credentials; GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION; VERTEX_BASE_URL)",
  },
  "openai-compatible-embed": {
    vendor: "openai-compatible-embed",
    keyVariable: "OPENAI_COMPATIBLE_EMBED_API_KEY",
    keyRequired: false,
    baseUrlVariable: "OPENAI_COMPATIBLE_EMBED_BASE_URL",
    defaultBaseURL: null,
    form: "openai-compatible-embed:<model>@<url>[?api=vllm|infinity]",
    description:
      "a self-hosted /v1/embeddings server that embeds images: vLLM's pooling runner (api=vllm, default) or Infinity (api=infinity)",
  },
};

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
  return prefix in VENDORS && spec.includes(":") ? (prefix as EmbeddingVendor) : null;
}

const usage = (spec: string, why: string, vendor: EmbeddingVendor) =>
  new ConfigError(`--model ${JSON.stringify(spec)}: ${why}`, {
    hint: `the form is ${VENDORS[vendor].form}`,
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
    if (k !== "dimensions" && !(k === "api" && vendor === "openai-compatible-embed")) {
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
  let url: string | null = null;
  let model = rest;
  if (vendor === "openai-compatible-embed") {
    const at = rest.lastIndexOf("@");
    if (at <= 0) throw usage(spec, "the server URL is missing", vendor);
    model = rest.slice(0, at);
    url = rest.slice(at + 1);
    try {
      const u = new URL(url);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http");
    } catch {
      throw usage(spec, `${JSON.stringify(url)} is not an http(s) URL`, vendor);
    }
  }
  if (model.trim() === "") throw usage(spec, "the model name is missing", vendor);
  if (vendor === "nomic") {
    const [vision = "", text = ""] = model.split("+");
    if (!vision.trim() || !text.trim()) throw usage(spec, "the vision or text model is missing", vendor);
    // The image endpoint has no output-size parameter, so a shorter text vector would not match.
    if (dimensions !== null) throw usage(spec, "?dimensions= is not supported (the images stay 768)", vendor);
  }
  return { vendor, model: model.trim(), url, dimensions, dialect: api };
}
