import { common, type EmbeddingVendorDescription } from "../vendor-description.js";

export const vertex: EmbeddingVendorDescription = {
  prefix: "vertex",
  // Application Default Credentials (google-auth-library): no key check.
  keyVariable: "VERTEX_ACCESS_TOKEN",
  keyRequired: false,
  baseUrlVariable: "VERTEX_BASE_URL",
  // https://{GOOGLE_CLOUD_LOCATION}-aiplatform.googleapis.com/v1 (see vendors/vertex.ts).
  defaultBase: null,
  form: "vertex:<model>[?dimensions=N]",
  description:
    "Vertex AI multimodal embeddings (:predict), e.g. vertex:multimodalembedding@001 (Application Default Credentials; GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION; VERTEX_BASE_URL)",
  // Prices: see prices.ts for the sources.
  prices: { "multimodalembedding@001": null },
  defaultBaseURL: async (env) => (await import("./vertex.js")).vertexDefaultBase(env),
  async protocol(c) {
    const m = await import("./vertex.js");
    const protocol = await m.createVertexProtocol({ ...common(c), env: c.env });
    return { protocol, dim: c.dimensions ?? m.VERTEX_MODEL_DIMS[c.model] };
  },
};
