import { common, type EmbeddingVendorDescription } from "../vendor-description.js";

export const openaiCompatibleEmbed: EmbeddingVendorDescription = {
  prefix: "openai-compatible-embed",
  keyVariable: "OPENAI_COMPATIBLE_EMBED_API_KEY",
  keyRequired: false,
  baseUrlVariable: "OPENAI_COMPATIBLE_EMBED_BASE_URL",
  defaultBase: null,
  form: "openai-compatible-embed:<model>@<url>[?api=vllm|infinity]",
  description:
    "a self-hosted /v1/embeddings server that embeds images: vLLM's pooling runner (api=vllm, default) or Infinity (api=infinity)",
  // Prices: see prices.ts for the sources.
  prices: { perImage: 0, perMTokText: 0 },
  extraParams: ["api"],
  parseModel(rest, _dimensions, fail) {
    const at = rest.lastIndexOf("@");
    if (at <= 0) fail("the server URL is missing");
    const url = rest.slice(at + 1);
    try {
      const u = new URL(url);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http");
    } catch {
      fail(`${JSON.stringify(url)} is not an http(s) URL`);
    }
    return { model: rest.slice(0, at), url };
  },
  async protocol(c) {
    const m = await import("./openai-compatible-embed.js");
    const protocol = m.createOpenAiCompatibleProtocol({
      ...common(c),
      dialect: c.dialect,
      ...(c.apiKey ? { apiKey: c.apiKey } : {}),
    });
    return { protocol, dim: c.dimensions ?? "probe" };
  },
};
