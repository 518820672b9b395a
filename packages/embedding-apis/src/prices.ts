import type { EmbeddingPrice } from "@vlmopt/core";
import type { EmbeddingApiSpec } from "./spec.js";
import { VENDOR_DESCRIPTIONS } from "./vendor-list.js";

/**
 * List prices of hosted embedding models, USD per image and per million text tokens, by vendor and
 * model. `null` = not found in the vendor's documentation from here: the cost is then reported as
 * unknown (never 0), and a --budget-usd run needs the price given (--model-price-image /
 * --model-price-text, or `price` in the API).
 *
 * - jina: Jina bills tokens from a prepaid balance (images are counted as tokens), per
 *   https://jina.ai/embeddings and https://api.jina.ai/openapi.json ("New users receive 10M free
 *   tokens"); neither gives a USD amount per token or the tokens per image, so it is null.
 * - cohere: the SDK documents billed units (`meta.billedUnits.inputTokens`, `.images`) but no USD
 *   price, and cohere.com/pricing could not be read from here: null.
 * - voyage: the SDK documents `usage.totalTokens`, not USD, and voyageai.com/pricing could not be
 *   read from here: null.
 * - nomic: no USD price was found in Nomic's documentation or client source here
 *   (docs.nomic.ai, github.com/nomic-ai/nomic): null.
 * - bedrock: https://aws.amazon.com/bedrock/pricing/ could not be read from here, and the SDK
 *   has no prices: null.
 * - vertex: https://cloud.google.com/vertex-ai/generative-ai/pricing could not be read from here: null.
 * - openai-compatible-embed: a self-hosted server costs nothing per call: 0.
 */
export const EMBEDDING_PRICES: {
  version: string;
  models: Record<string, Record<string, EmbeddingPrice | null>>;
} = {
  version: "2026-12",
  models: Object.fromEntries(
    VENDOR_DESCRIPTIONS.flatMap((d) => ("perImage" in d.prices ? [] : [[d.prefix, d.prices]])),
  ) as Record<string, Record<string, EmbeddingPrice | null>>,
};

/** The price of the model a spec names: the table's, 0 for self-hosted, null when unknown. */
export function priceOfEmbeddingSpec(spec: EmbeddingApiSpec): EmbeddingPrice | null {
  const prices = VENDOR_DESCRIPTIONS.find((d) => d.prefix === spec.vendor)?.prices;
  if (prices && "perImage" in prices && typeof prices.perImage === "number") return prices as EmbeddingPrice;
  return EMBEDDING_PRICES.models[spec.vendor]?.[spec.model] ?? null;
}
