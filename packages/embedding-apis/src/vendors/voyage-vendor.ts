import { common, type EmbeddingVendorDescription } from "../vendor-description.js";

export const voyage: EmbeddingVendorDescription = {
  prefix: "voyage",
  keyVariable: "VOYAGE_API_KEY",
  keyRequired: true,
  baseUrlVariable: "VOYAGE_BASE_URL",
  defaultBase: "https://api.voyageai.com/v1",
  form: "voyage:<model>",
  description:
    "Voyage multimodal embeddings (official voyageai SDK), e.g. voyage:voyage-multimodal-3 (needs VOYAGE_API_KEY; VOYAGE_BASE_URL)",
  // Prices: see prices.ts for the sources.
  prices: { "voyage-multimodal-3": null, "voyage-multimodal-3.5": null },
  async protocol(c) {
    const m = await import("./voyage.js");
    const protocol = await m.createVoyageProtocol({ ...common(c), apiKey: c.apiKey as string });
    return { protocol, dim: c.dimensions ?? m.VOYAGE_MODEL_DIMS[c.model] };
  },
};
