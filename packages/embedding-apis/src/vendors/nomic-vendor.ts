import { common, type EmbeddingVendorDescription } from "../vendor-description.js";

export const nomic: EmbeddingVendorDescription = {
  prefix: "nomic",
  keyVariable: "NOMIC_API_KEY",
  keyRequired: true,
  baseUrlVariable: "NOMIC_BASE_URL",
  defaultBase: "https://api-atlas.nomic.ai",
  form: "nomic:<vision model>+<text model>",
  description:
    "Nomic's image and text embedding endpoints, e.g. nomic:nomic-embed-vision-v1.5+nomic-embed-text-v1.5 (needs NOMIC_API_KEY; NOMIC_BASE_URL)",
  // Prices: see prices.ts for the sources.
  prices: { "nomic-embed-vision-v1.5+nomic-embed-text-v1.5": null },
  parseModel(rest, dimensions, fail) {
    if (rest.trim() === "") fail("the model name is missing");
    const [vision = "", text = ""] = rest.split("+");
    if (!vision.trim() || !text.trim()) fail("the vision or text model is missing");
    // The image endpoint has no output-size parameter, so a shorter text vector would not match.
    if (dimensions !== null) fail("?dimensions= is not supported (the images stay 768)");
    return { model: rest, url: null };
  },
  async protocol(c) {
    const m = await import("./nomic.js");
    const protocol = m.createNomicProtocol({ ...common(c), apiKey: c.apiKey as string });
    return {
      protocol,
      dim: c.dimensions ?? m.NOMIC_VISION_DIMS[m.splitNomicModels(c.model, c.spec).vision],
      unknownDimHint: "use nomic-embed-vision-v1 or nomic-embed-vision-v1.5 as the vision model",
    };
  },
};
