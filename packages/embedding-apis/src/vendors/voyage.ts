import type { ApiLimits, EmbeddingProtocol, ProtocolCall, ProtocolResult } from "../api-encoder.js";
import { badShape } from "../http-json.js";
import type { PreparedImage } from "../image-fit.js";
import { mapFernError } from "./fern-errors.js";

/**
 * Voyage's multimodal embeddings through the official `voyageai` SDK (0.4, `VoyageAIClient
 * .multimodalEmbed`, POST {base}/multimodalembeddings, base https://api.voyageai.com/v1, key
 * `VOYAGE_API_KEY` as Bearer). Shapes from the SDK's own types (voyageai 0.4.0,
 * dist/cjs/api/client/requests/MultimodalEmbedRequest.d.ts, api/types/MultimodalEmbed*.d.ts):
 * `{ model, inputs: [{ content: [{ type: "text", text } | { type: "image_base64", imageBase64:
 * <data URL> }] }], inputType: "query" | "document" }`, PNG/JPEG/WebP/GIF; the answer is
 * `{ data: [{ index, embedding }], usage: { totalTokens } }`. Models: voyage-multimodal-3 and
 * voyage-multimodal-3.5 (1024 dimensions). Texts are sent as `query`, images as `document`.
 * Not found in the SDK: the per-request input limit, a pixel limit and a price — 16 inputs per
 * request and images of at most 4 MB (re-encoded above) are used; price unknown (prices.ts).
 * The SDK's own retries are off (maxRetries 0): core's withRetries is the one loop.
 */
export const VOYAGE_DEFAULT_BASE_URL = "https://api.voyageai.com/v1";

export const VOYAGE_MODEL_DIMS: Record<string, number> = {
  "voyage-multimodal-3": 1024,
  "voyage-multimodal-3.5": 1024,
};

export const VOYAGE_LIMITS: ApiLimits = {
  maxTextBatch: 16,
  maxImageBatch: 16,
  concurrency: 2,
  maxBytes: 4_000_000,
  maxPixels: 4096 * 4096,
};

export interface VoyageProtocolOptions {
  model: string;
  baseURL: string;
  apiKey: string;
  dimensions: number | null;
  fetch?: typeof fetch;
  timeoutMs: number;
  limits?: Partial<ApiLimits>;
}

type ContentItem = { type: "text"; text: string } | { type: "image_base64"; imageBase64: string };

export async function createVoyageProtocol(o: VoyageProtocolOptions): Promise<EmbeddingProtocol> {
  const sdk = await import("voyageai");
  const who = `voyage:${o.model}`;
  const client = new sdk.VoyageAIClient({
    apiKey: o.apiKey,
    baseUrl: o.baseURL,
    maxRetries: 0,
    timeoutInSeconds: o.timeoutMs / 1000,
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
  const limits = { ...VOYAGE_LIMITS, ...o.limits };
  const embed = async (
    items: ContentItem[],
    inputType: "query" | "document",
    call: ProtocolCall,
  ): Promise<ProtocolResult> => {
    let response: Awaited<ReturnType<typeof client.multimodalEmbed>>;
    try {
      response = await client.multimodalEmbed(
        { model: o.model, inputs: items.map((c) => ({ content: [c] })), inputType },
        { maxRetries: 0, ...(call.signal ? { abortSignal: call.signal } : {}) },
      );
    } catch (error) {
      throw mapFernError(
        error,
        { ApiError: sdk.VoyageAIError, TimeoutError: sdk.VoyageAITimeoutError },
        {
          who,
          provider: "voyage",
          baseURL: o.baseURL,
          timeoutMs: o.timeoutMs,
          apiKey: o.apiKey,
          keyVariable: "VOYAGE_API_KEY",
          rejectedHint: `the request was rejected; vlmopt sends at most ${limits.maxImageBatch} inputs per request — check the model name`,
          ...(call.signal ? { signal: call.signal } : {}),
        },
      );
    }
    const data = response?.data;
    if (!Array.isArray(data)) throw badShape(who, "voyage", "no `data` array");
    const sorted = data.every((d) => typeof d?.index === "number")
      ? [...data].sort((a, b) => (a.index as number) - (b.index as number))
      : data;
    const vectors = sorted.map((d, i) => {
      if (!Array.isArray(d?.embedding)) throw badShape(who, "voyage", `data[${i}].embedding is not an array`);
      return d.embedding;
    });
    const tokens = response.usage?.totalTokens;
    return typeof tokens === "number" ? { vectors, tokens } : { vectors };
  };
  return {
    provider: "voyage",
    model: o.model,
    baseURL: o.baseURL,
    limits,
    embedTextBatch: (texts, call) =>
      embed(
        texts.map((text) => ({ type: "text", text })),
        "query",
        call,
      ),
    embedImageBatch: (images: readonly PreparedImage[], call) =>
      embed(
        images.map((i) => ({ type: "image_base64", imageBase64: i.dataUri })),
        "document",
        call,
      ),
  };
}
