import type { ApiLimits, EmbeddingProtocol, ProtocolCall, ProtocolResult } from "../api-encoder.js";
import { requestJson } from "../http-json.js";
import { openAiStyleVectors } from "./openai-shape.js";

/**
 * Self-hosted servers that embed images behind an OpenAI-style `POST {base}/embeddings`, answering
 * `{ data: [{ index, embedding }], usage }`. Two request dialects for images:
 *
 * - `vllm` (vLLM's pooling runner, `vllm serve <model> --runner pooling`): texts as
 *   `{ model, input: [..], encoding_format: "float" }`; an image as chat-style
 *   `{ model, messages: [{ role: "user", content: [{ type: "image_url", image_url: { url } }] }],
 *   encoding_format: "float" }`, one conversation (so one image) per request. Source:
 *   https://docs.vllm.ai/en/v0.6.6.post1/getting_started/examples/openai_chat_embedding_client_for_multimodal.html
 *   and https://docs.vllm.ai/en/v0.15.0/models/pooling_models/ (`--runner pooling`).
 * - `infinity` (michaelfeil/infinity): `{ model, input: [..], modality: "text" | "image",
 *   encoding_format: "float" }`, image inputs as data URIs or URLs; the server's
 *   `max_client_batch_size` bounds the items per request. Source: libs/infinity_emb/infinity_emb/
 *   fastapi_schemas/pymodels.py (`_OpenAIEmbeddingInput_Text`, `OpenAIEmbeddingInput_Image`,
 *   `get_modality`) at github.com/michaelfeil/infinity commit fcb951cb.
 *
 * Auth: optional `Authorization: Bearer $OPENAI_COMPATIBLE_EMBED_API_KEY` (vLLM's `--api-key`).
 */
export type OpenAiCompatibleDialect = "vllm" | "infinity";

export const OPENAI_COMPATIBLE_LIMITS: Record<OpenAiCompatibleDialect, ApiLimits> = {
  vllm: { maxTextBatch: 64, maxImageBatch: 1, concurrency: 4, maxBytes: 8 * 1024 * 1024 },
  infinity: { maxTextBatch: 32, maxImageBatch: 16, concurrency: 4, maxBytes: 8 * 1024 * 1024 },
};

export interface OpenAiCompatibleProtocolOptions {
  model: string;
  baseURL: string;
  dialect: OpenAiCompatibleDialect;
  apiKey?: string;
  dimensions: number | null;
  fetch?: typeof fetch;
  timeoutMs: number;
  limits?: Partial<ApiLimits>;
}

export function createOpenAiCompatibleProtocol(o: OpenAiCompatibleProtocolOptions): EmbeddingProtocol {
  const who = `openai-compatible-embed:${o.model}`;
  const limits = { ...OPENAI_COMPATIBLE_LIMITS[o.dialect], ...o.limits };
  const post = async (body: Record<string, unknown>, call: ProtocolCall): Promise<ProtocolResult> => {
    const json = await requestJson(
      `${o.baseURL.replace(/\/+$/, "")}/embeddings`,
      {
        model: o.model,
        encoding_format: "float",
        ...(o.dimensions !== null ? { dimensions: o.dimensions } : {}),
        ...body,
      },
      {
        who,
        provider: "openai-compatible-embed",
        ...(o.apiKey ? { headers: { authorization: `Bearer ${o.apiKey}` } } : {}),
        ...(o.fetch ? { fetch: o.fetch } : {}),
        timeoutMs: o.timeoutMs,
        ...(call.signal ? { signal: call.signal } : {}),
        secrets: [o.apiKey],
        keyVariable: "OPENAI_COMPATIBLE_EMBED_API_KEY",
        rejectedHint: `the request was rejected; check that the server runs an image-capable embedding model and speaks the ${o.dialect} dialect (?api=${o.dialect === "vllm" ? "infinity" : "vllm"} switches)`,
      },
    );
    return openAiStyleVectors(json, who, "openai-compatible-embed");
  };
  return {
    provider: "openai-compatible-embed",
    model: o.model,
    baseURL: o.baseURL,
    limits,
    embedTextBatch: (texts, call) =>
      post(o.dialect === "infinity" ? { input: texts, modality: "text" } : { input: texts }, call),
    async embedImageBatch(images, call) {
      if (o.dialect === "infinity") {
        return post({ input: images.map((i) => i.dataUri), modality: "image" }, call);
      }
      // vLLM: one chat conversation per request gives one embedding.
      const vectors: number[][] = [];
      let tokens = 0;
      for (const image of images) {
        const r = await post(
          {
            messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: image.dataUri } }] }],
          },
          call,
        );
        vectors.push(...(r.vectors as number[][]));
        tokens += r.tokens ?? 0;
      }
      return { vectors, tokens };
    },
  };
}
