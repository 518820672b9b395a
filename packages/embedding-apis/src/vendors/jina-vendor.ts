import { common, type EmbeddingVendorDescription } from "../vendor-description.js";

export const jina: EmbeddingVendorDescription = {
  prefix: "jina",
  keyVariable: "JINA_API_KEY",
  keyRequired: true,
  baseUrlVariable: "JINA_BASE_URL",
  defaultBase: "https://api.jina.ai/v1",
  form: "jina:<model>[?dimensions=N]",
  description: "Jina embeddings API, e.g. jina:jina-clip-v2 (needs JINA_API_KEY; JINA_BASE_URL)",
  // Prices: see prices.ts for the sources.
  prices: { "jina-clip-v2": null, "jina-clip-v1": null },
  async protocol(c) {
    const m = await import("./jina.js");
    const protocol = m.createJinaProtocol({ ...common(c), apiKey: c.apiKey as string });
    return { protocol, dim: c.dimensions ?? m.JINA_MODEL_DIMS[c.model] };
  },
};
