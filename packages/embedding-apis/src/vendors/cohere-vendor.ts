import { common, type EmbeddingVendorDescription } from "../vendor-description.js";

export const cohere: EmbeddingVendorDescription = {
  prefix: "cohere",
  keyVariable: "CO_API_KEY",
  keyRequired: true,
  baseUrlVariable: "CO_API_URL",
  defaultBase: "https://api.cohere.com",
  form: "cohere:<model>[?dimensions=N]",
  description: "Cohere embed (official cohere-ai SDK), e.g. cohere:embed-v4.0 (needs CO_API_KEY; CO_API_URL)",
  // Prices: see prices.ts for the sources.
  prices: { "embed-v4.0": null, "embed-english-v3.0": null, "embed-multilingual-v3.0": null },
  async protocol(c) {
    const m = await import("./cohere.js");
    const protocol = await m.createCohereProtocol({ ...common(c), apiKey: c.apiKey as string });
    return { protocol, dim: c.dimensions ?? m.COHERE_MODEL_DIMS[c.model] };
  },
};
