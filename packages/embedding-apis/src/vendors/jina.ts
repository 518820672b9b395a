import type { ApiLimits, EmbeddingProtocol, ProtocolCall, ProtocolResult } from "../api-encoder.js";
import { requestJson } from "../http-json.js";
import type { PreparedImage } from "../image-fit.js";
import { openAiStyleVectors } from "./openai-shape.js";

/**
 * The Jina embeddings API: POST {base}/embeddings with `Authorization: Bearer $JINA_API_KEY` and
 * `{ model, input: [{ text } | { image: <base64 or URL> }], dimensions, normalized, embedding_type }`;
 * the answer is OpenAI-shaped, `{ data: [{ index, embedding }], usage: { total_tokens } }`.
 * Shapes: the request builder on https://jina.ai/embeddings (curl example with `normalized`,
 * `embedding_type: "float"`, and `input` items `{ "text": ... }` / `{ "image": ... }` for
 * jina-clip-v2) and the OpenAPI document https://api.jina.ai/openapi.json (Bearer auth, 429 with
 * rate-limit headers). Output dimensions 64–1024 for jina-clip-v2 (Matryoshka), images at
 * 512×512: https://jina.ai/news/jina-clip-v2-multilingual-multimodal-embeddings-for-text-and-images.
 * Not found in the vendor's documentation here: a per-request input limit — 24 is used, the
 * batch size of LangChain's JinaEmbeddings (https://reference.langchain.com/javascript/classes/
 * _langchain_community.embeddings_jina.JinaEmbeddings.html); concurrency 2 stays under the free
 * tier's in-flight limit in https://api.jina.ai/openapi.json.
 */
export const JINA_DEFAULT_BASE_URL = "https://api.jina.ai/v1";

/** Default output size per model (the API's own default when `dimensions` is not sent). */
export const JINA_MODEL_DIMS: Record<string, number> = {
  "jina-clip-v2": 1024,
  "jina-clip-v1": 768,
};

export const JINA_LIMITS: ApiLimits = {
  maxTextBatch: 24,
  maxImageBatch: 24,
  concurrency: 2,
  // jina-clip-v2 sees 512×512; larger images are scaled down before upload (fewer bytes, same input).
  maxPixels: 1024 * 1024,
  maxBytes: 4 * 1024 * 1024,
};

export interface JinaProtocolOptions {
  model: string;
  baseURL: string;
  apiKey: string;
  dimensions: number | null;
  fetch?: typeof fetch;
  timeoutMs: number;
  limits?: Partial<ApiLimits>;
}

export function createJinaProtocol(o: JinaProtocolOptions): EmbeddingProtocol {
  const who = `jina:${o.model}`;
  const limits = { ...JINA_LIMITS, ...o.limits };
  const post = async (input: unknown[], call: ProtocolCall): Promise<ProtocolResult> => {
    const body = {
      model: o.model,
      input,
      normalized: true,
      embedding_type: "float",
      ...(o.dimensions !== null ? { dimensions: o.dimensions } : {}),
    };
    const json = await requestJson(`${o.baseURL.replace(/\/+$/, "")}/embeddings`, body, {
      who,
      provider: "jina",
      headers: { authorization: `Bearer ${o.apiKey}` },
      ...(o.fetch ? { fetch: o.fetch } : {}),
      timeoutMs: o.timeoutMs,
      ...(call.signal ? { signal: call.signal } : {}),
      secrets: [o.apiKey],
      keyVariable: "JINA_API_KEY",
      rejectedHint: `the request was rejected; vlmopt sends at most ${limits.maxTextBatch} inputs per request — check the model name and dimensions`,
    });
    return openAiStyleVectors(json, who, "jina");
  };
  return {
    provider: "jina",
    model: o.model,
    baseURL: o.baseURL,
    limits,
    embedTextBatch: (texts, call) =>
      post(
        texts.map((text) => ({ text })),
        call,
      ),
    embedImageBatch: (images: readonly PreparedImage[], call) =>
      post(
        images.map((img) => ({ image: img.base64 })),
        call,
      ),
  };
}
