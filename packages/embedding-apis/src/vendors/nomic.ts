import { ConfigError } from "@vlmopt/core";
import type { ApiLimits, EmbeddingProtocol, ProtocolResult } from "../api-encoder.js";
import { badShape, requestJson } from "../http-json.js";
import type { PreparedImage } from "../image-fit.js";

/**
 * Nomic's embedding API (Atlas), one model per modality: `nomic:<vision model>+<text model>`, e.g.
 * `nomic:nomic-embed-vision-v1.5+nomic-embed-text-v1.5`. Both models share one latent space
 * ("Nomic Embed Text embeddings can be used to query the new Nomic Embed Vision embeddings out of
 * the box", https://nomic.ai/blog/posts/nomic-embed-vision).
 * - Texts: POST {base}/v1/embedding/text, JSON `{ texts, model, task_type, dimensionality,
 *   long_text_mode }`; images: POST {base}/v1/embedding/image, multipart form with `model` and one
 *   `images` file part per image. Both answer `{ embeddings: [[...]], usage: {...}, model }`, in
 *   input order. Auth `Authorization: Bearer $NOMIC_API_KEY`, base https://api-atlas.nomic.ai.
 *   Source: the official Python client, github.com/nomic-ai/nomic nomic/embed.py
 *   (text_api_request, image_api_request; commit 11ab3c5d) and nomic/dataset.py (AtlasClass host);
 *   task types per https://docs.nomic.ai/atlas/models/text-embedding. Prompts query images, so the
 *   text side is sent as `search_query` (the docs found here do not say which task type Nomic uses
 *   for image queries).
 * - Limits: the client sends at most 50 texts (MAX_TEXT_REQUEST_SIZE) and 512 images
 *   (MAX_IMAGE_REQUEST_SIZE) per request, and downsizes images over 512 px before upload (its
 *   resize_pil); the server's own limits were not found. 32 images per request is used here,
 *   concurrency 2 (not documented).
 * - Dimensions: both vision models output 768 (https://docs.nomic.ai/atlas/models/image-embedding);
 *   the image endpoint takes no `dimensionality`, so `?dimensions=` is refused (the text model's
 *   Matryoshka sizes would no longer match the images).
 * - Price: not found (null).
 */
export const NOMIC_DEFAULT_BASE_URL = "https://api-atlas.nomic.ai";

export const NOMIC_VISION_DIMS: Record<string, number> = {
  "nomic-embed-vision-v1": 768,
  "nomic-embed-vision-v1.5": 768,
};

export const NOMIC_LIMITS: ApiLimits = {
  maxTextBatch: 50,
  maxImageBatch: 32,
  concurrency: 2,
  // The official client scales images over 512 px down before upload; 1 MP keeps that input.
  maxPixels: 1024 * 1024,
  maxBytes: 4 * 1024 * 1024,
  acceptedTypes: ["image/jpeg", "image/png"],
};

/** `<vision>+<text>` of a nomic spec; a ConfigError when either is missing. */
export function splitNomicModels(model: string, spec: string): { vision: string; text: string } {
  const plus = model.indexOf("+");
  const vision = plus > 0 ? model.slice(0, plus).trim() : "";
  const text = plus > 0 ? model.slice(plus + 1).trim() : "";
  if (!vision || !text) {
    throw new ConfigError(`--model ${JSON.stringify(spec)}: the vision or text model is missing`, {
      hint: "the form is nomic:<vision model>+<text model>, e.g. nomic:nomic-embed-vision-v1.5+nomic-embed-text-v1.5",
    });
  }
  return { vision, text };
}

export interface NomicProtocolOptions {
  /** `<vision>+<text>`. */
  model: string;
  baseURL: string;
  apiKey: string;
  fetch?: typeof fetch;
  timeoutMs: number;
  limits?: Partial<ApiLimits>;
}

function nomicVectors(body: unknown, who: string): ProtocolResult {
  const b = body as { embeddings?: unknown; usage?: { total_tokens?: unknown } } | null;
  if (!b || !Array.isArray(b.embeddings)) throw badShape(who, "nomic", "no `embeddings` array");
  const vectors = (b.embeddings as unknown[]).map((v, i) => {
    if (!Array.isArray(v)) throw badShape(who, "nomic", `embeddings[${i}] is not an array of numbers`);
    return v as number[];
  });
  const tokens = b.usage?.total_tokens;
  return typeof tokens === "number" ? { vectors, tokens } : { vectors };
}

export function createNomicProtocol(o: NomicProtocolOptions): EmbeddingProtocol {
  const { vision, text } = splitNomicModels(o.model, `nomic:${o.model}`);
  const who = `nomic:${o.model}`;
  const limits = { ...NOMIC_LIMITS, ...o.limits };
  const base = o.baseURL.replace(/\/+$/, "");
  const request = async (path: string, body: unknown, signal?: AbortSignal) =>
    nomicVectors(
      await requestJson(`${base}${path}`, body, {
        who,
        provider: "nomic",
        headers: { authorization: `Bearer ${o.apiKey}` },
        ...(o.fetch ? { fetch: o.fetch } : {}),
        timeoutMs: o.timeoutMs,
        ...(signal ? { signal } : {}),
        secrets: [o.apiKey],
        keyVariable: "NOMIC_API_KEY",
        rejectedHint: `the request was rejected; vlmopt sends at most ${limits.maxTextBatch} texts or ${limits.maxImageBatch} images per request — check the model names`,
      }),
      who,
    );
  return {
    provider: "nomic",
    model: o.model,
    baseURL: o.baseURL,
    limits,
    embedTextBatch: (texts, call) =>
      request(
        "/v1/embedding/text",
        { texts, model: text, task_type: "search_query", long_text_mode: "truncate" },
        call.signal,
      ),
    embedImageBatch(images: readonly PreparedImage[], call) {
      const form = new FormData();
      form.append("model", vision);
      images.forEach((img, i) => {
        const ext = img.mime === "image/png" ? "png" : "jpg";
        form.append("images", new Blob([new Uint8Array(img.bytes)], { type: img.mime }), `image-${i}.${ext}`);
      });
      return request("/v1/embedding/image", form, call.signal);
    },
  };
}
