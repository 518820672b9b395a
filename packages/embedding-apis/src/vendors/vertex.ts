import { ConfigError } from "@vlmopt/core";
import type { ApiLimits, EmbeddingProtocol, ProtocolCall, ProtocolResult } from "../api-encoder.js";
import { badShape, requestJson } from "../http-json.js";
import type { PreparedImage } from "../image-fit.js";

/**
 * Vertex AI multimodal embeddings: `vertex:multimodalembedding@001[?dimensions=N]`.
 * - POST {base}/projects/{project}/locations/{location}/publishers/google/models/{model}:predict,
 *   base https://{location}-aiplatform.googleapis.com/v1, `Authorization: Bearer <access token>`;
 *   body `{ instances: [{ text } | { image: { bytesBase64Encoded, mimeType } }], parameters:
 *   { dimension } }`; answer `{ predictions: [{ textEmbedding } | { imageEmbedding }] }`. Shapes:
 *   https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/multimodal-embeddings and
 *   https://cloud.google.com/vertex-ai/generative-ai/docs/embeddings/get-multimodal-embeddings
 *   (1408 dimensions by default; image and text vectors share one space). `parameters.dimension`
 *   as the Python SDK's MultiModalEmbeddingModel.get_embeddings(dimension=...) sends it.
 * - Auth: Google Application Default Credentials through google-auth-library 10 (GoogleAuth with
 *   the cloud-platform scope; imported on first use). VERTEX_ACCESS_TOKEN, when set, is used as the
 *   token instead (e.g. `gcloud auth print-access-token`; the stand-in's tests). Project from
 *   GOOGLE_CLOUD_PROJECT, else ADC's project; location from GOOGLE_CLOUD_LOCATION, else us-central1.
 * - Limits: the docs' limit table could not be read in full here; one instance per request is sent
 *   (the Python SDK sends one per call), 4 in flight, images over 10 MiB re-encoded (not confirmed).
 *   The accepted `dimension` values were not found in the text read here: the API judges them.
 * - Price: https://cloud.google.com/vertex-ai/generative-ai/pricing could not be read here: null.
 */
export const VERTEX_MODEL_DIMS: Record<string, number> = { "multimodalembedding@001": 1408 };

export const VERTEX_LIMITS: ApiLimits = {
  maxTextBatch: 1,
  maxImageBatch: 1,
  concurrency: 4,
  maxBytes: 10 * 1024 * 1024,
  maxPixels: 4096 * 4096,
  acceptedTypes: ["image/jpeg", "image/png"],
};

const SCOPE = "https://www.googleapis.com/auth/cloud-platform";

export const vertexLocation = (env: Record<string, string | undefined>): string =>
  env.GOOGLE_CLOUD_LOCATION ?? "us-central1";

/** The region's endpoint (the cache identity when no override is given). */
export function vertexDefaultBase(env: Record<string, string | undefined>): string {
  return `https://${vertexLocation(env)}-aiplatform.googleapis.com/v1`;
}

export interface VertexProtocolOptions {
  model: string;
  baseURL: string;
  env: Record<string, string | undefined>;
  dimensions: number | null;
  fetch?: typeof fetch;
  timeoutMs: number;
  limits?: Partial<ApiLimits>;
}

/** An access token and project, from VERTEX_ACCESS_TOKEN or Application Default Credentials. */
async function credentialsOf(
  env: Record<string, string | undefined>,
): Promise<{ token: () => Promise<string>; project: string }> {
  const fixed = env.VERTEX_ACCESS_TOKEN;
  let project = env.GOOGLE_CLOUD_PROJECT ?? env.GCLOUD_PROJECT;
  if (fixed && project) return { token: async () => fixed, project };
  const { GoogleAuth } = await import("google-auth-library");
  const auth = new GoogleAuth({ scopes: SCOPE, ...(project ? { projectId: project } : {}) });
  if (!project) {
    project = await auth.getProjectId().catch((error: unknown) => {
      throw new ConfigError(`vertex: no Google Cloud project — ${(error as Error).message}`, {
        hint: "export GOOGLE_CLOUD_PROJECT=<project id> (and run `gcloud auth application-default login`)",
      });
    });
  }
  const token = async () => {
    if (fixed) return fixed;
    const t = await auth.getAccessToken().catch((error: unknown) => {
      throw new ConfigError(`vertex: no Application Default Credentials — ${(error as Error).message}`, {
        hint: "run `gcloud auth application-default login`, set GOOGLE_APPLICATION_CREDENTIALS, or VERTEX_ACCESS_TOKEN",
      });
    });
    if (!t) throw new ConfigError("vertex: Application Default Credentials gave no access token");
    return t;
  };
  return { token, project };
}

export async function createVertexProtocol(o: VertexProtocolOptions): Promise<EmbeddingProtocol> {
  const who = `vertex:${o.model}`;
  const limits = { ...VERTEX_LIMITS, ...o.limits };
  const { token, project } = await credentialsOf(o.env);
  const location = vertexLocation(o.env);
  const url = `${o.baseURL.replace(/\/+$/, "")}/projects/${project}/locations/${location}/publishers/google/models/${o.model}:predict`;
  const predict = async (
    instance: Record<string, unknown>,
    field: "textEmbedding" | "imageEmbedding",
    call: ProtocolCall,
  ): Promise<number[]> => {
    const bearer = await token();
    const json = (await requestJson(
      url,
      {
        instances: [instance],
        ...(o.dimensions !== null ? { parameters: { dimension: o.dimensions } } : {}),
      },
      {
        who,
        provider: "vertex",
        headers: { authorization: `Bearer ${bearer}` },
        ...(o.fetch ? { fetch: o.fetch } : {}),
        timeoutMs: o.timeoutMs,
        ...(call.signal ? { signal: call.signal } : {}),
        secrets: [bearer],
        keyVariable: "Application Default Credentials (or VERTEX_ACCESS_TOKEN)",
        rejectedHint:
          "the request was rejected; vlmopt sends one instance per request — check the model and dimensions",
      },
    )) as { predictions?: Record<string, unknown>[] } | null;
    const v = json?.predictions?.[0]?.[field];
    if (!Array.isArray(v)) throw badShape(who, "vertex", `predictions[0].${field} is not an array`);
    return v as number[];
  };
  const each = async (
    items: Record<string, unknown>[],
    field: "textEmbedding" | "imageEmbedding",
    call: ProtocolCall,
  ): Promise<ProtocolResult> => {
    const vectors: number[][] = [];
    for (const item of items) vectors.push(await predict(item, field, call));
    return { vectors };
  };
  return {
    provider: "vertex",
    model: o.model,
    baseURL: o.baseURL,
    limits,
    embedTextBatch: (texts, call) =>
      each(
        texts.map((text) => ({ text })),
        "textEmbedding",
        call,
      ),
    embedImageBatch: (images: readonly PreparedImage[], call) =>
      each(
        images.map((img) => ({ image: { bytesBase64Encoded: img.base64, mimeType: img.mime } })),
        "imageEmbedding",
        call,
      ),
  };
}
