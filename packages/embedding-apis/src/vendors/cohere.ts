import type { ApiLimits, EmbeddingProtocol, ProtocolCall, ProtocolResult } from "../api-encoder.js";
import { badShape } from "../http-json.js";
import { mapFernError } from "./fern-errors.js";

/**
 * Cohere's embed endpoint through the official `cohere-ai` SDK (8.x, `CohereClientV2.embed`,
 * POST {base}/v2/embed, `Authorization: Bearer $CO_API_KEY`). Shapes and limits are from the SDK's
 * own type documentation (cohere-ai 8.1.0, api/resources/v2/client/requests/V2EmbedRequest.d.ts and
 * api/types/EmbedByTypeResponse*.d.ts): `{ model, inputType, embeddingTypes: ["float"], texts |
 * images, outputDimension }`, images as data URIs (JPEG, PNG, WebP, GIF); at most 96 texts per
 * call; Embed v3.x: 1 image per call, 5 MB each; Embed v4.0+: any number of images, 20 MB in all
 * per request; `outputDimension` 256/512/1024/1536 (v4 only, default 1536); the answer is
 * `{ embeddings: { float: number[][] }, meta: { billedUnits: { inputTokens, images } } }`.
 * `inputType`: images "image" (the SDK's image example), texts "search_query" (texts look up
 * images). The SDK's own retries are off (maxRetries 0): core's withRetries is the one loop.
 * Not found in the SDK: a USD price (see prices.ts) and a concurrency limit (2 is used).
 */
export const COHERE_DEFAULT_BASE_URL = "https://api.cohere.com";

export const COHERE_MODEL_DIMS: Record<string, number> = {
  "embed-v4.0": 1536,
  "embed-english-v3.0": 1024,
  "embed-multilingual-v3.0": 1024,
  "embed-english-light-v3.0": 384,
  "embed-multilingual-light-v3.0": 384,
};

export function cohereLimits(model: string): ApiLimits {
  const v3 = /-v3\.\d/.test(model);
  return v3
    ? { maxTextBatch: 96, maxImageBatch: 1, concurrency: 2, maxBytes: 5_000_000, maxPixels: 4096 * 4096 }
    : // 16 images of at most 1.2 MB stay under the 20 MB request limit, base64 included.
      { maxTextBatch: 96, maxImageBatch: 16, concurrency: 2, maxBytes: 1_200_000, maxPixels: 4096 * 4096 };
}

export interface CohereProtocolOptions {
  model: string;
  baseURL: string;
  apiKey: string;
  dimensions: number | null;
  fetch?: typeof fetch;
  timeoutMs: number;
  limits?: Partial<ApiLimits>;
}

export async function createCohereProtocol(o: CohereProtocolOptions): Promise<EmbeddingProtocol> {
  const sdk = await import("cohere-ai");
  const who = `cohere:${o.model}`;
  const client = new sdk.CohereClientV2({
    token: o.apiKey,
    baseUrl: o.baseURL,
    maxRetries: 0,
    timeoutInSeconds: o.timeoutMs / 1000,
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
  const embed = async (
    input: { texts: string[] } | { images: string[] },
    call: ProtocolCall,
  ): Promise<ProtocolResult> => {
    let response: Awaited<ReturnType<typeof client.embed>>;
    try {
      response = await client.embed(
        {
          model: o.model,
          inputType: "texts" in input ? "search_query" : "image",
          embeddingTypes: ["float"],
          ...input,
          ...(o.dimensions !== null ? { outputDimension: o.dimensions } : {}),
        },
        { maxRetries: 0, ...(call.signal ? { abortSignal: call.signal } : {}) },
      );
    } catch (error) {
      throw mapFernError(
        error,
        { ApiError: sdk.CohereError, TimeoutError: sdk.CohereTimeoutError },
        {
          who,
          provider: "cohere",
          baseURL: o.baseURL,
          timeoutMs: o.timeoutMs,
          apiKey: o.apiKey,
          keyVariable: "CO_API_KEY",
          rejectedHint: `the request was rejected; vlmopt sends at most ${cohereLimits(o.model).maxImageBatch} images / 96 texts per request — check the model name and dimensions`,
          ...(call.signal ? { signal: call.signal } : {}),
        },
      );
    }
    const vectors = response?.embeddings?.float;
    if (!Array.isArray(vectors)) throw badShape(who, "cohere", "no `embeddings.float` array");
    const tokens = response.meta?.billedUnits?.inputTokens;
    return typeof tokens === "number" ? { vectors, tokens } : { vectors };
  };
  return {
    provider: "cohere",
    model: o.model,
    baseURL: o.baseURL,
    limits: { ...cohereLimits(o.model), ...o.limits },
    embedTextBatch: (texts, call) => embed({ texts: [...texts] }, call),
    embedImageBatch: (images, call) => embed({ images: images.map((i) => i.dataUri) }, call),
  };
}
