import type { ModelPrice } from "@vlmopt/core";

/** A versioned table of list prices in USD per million tokens, per provider and model. */
export interface PriceTable {
  /** When the prices were taken (year-month); check the vendor's page before relying on them. */
  version: string;
  models: Record<string, Record<string, ModelPrice>>;
}

const p = (inputPerMTok: number, outputPerMTok: number): ModelPrice => ({ inputPerMTok, outputPerMTok });

/**
 * List prices (standard tier, no batch or cache discounts). Override with `price` in the provider
 * options (or the CLI's --price-in/--price-out) when a vendor changes them.
 *
 * The vendors' pricing pages cannot be reached from where this was written. These entries match
 * third-party copies of those pages dated 2025-11 to 2026-11 (the price tables of the Rust crates
 * cogito-claude, synaps, tokr, openai-cost and openai-models, langchain's Bedrock callback, and
 * GitHub's Copilot models-and-pricing table): every Anthropic entry, gpt-5, gpt-5-mini, gpt-4.1,
 * gpt-4o, gpt-4o-mini and gpt-3.5-turbo. One copy gives Haiku 4.5 as $0.80/$4, which is Haiku
 * 3.5's price; the table sourced from Anthropic's page gives $1/$5, which is kept. The other five
 * OpenAI entries are priced too, from other copies: gpt-5-nano $0.05/$0.40, gpt-4.1-mini
 * $0.40/$1.60 and gpt-4.1-nano $0.10/$0.40 (huggingface.co/SciCode/dataset-builder
 * data3/show_pricing.py; github.com/Sraleik/undetermini PRICING.md, verified 2026-05-07), o4-mini
 * $1.10/$4.40 (github.com/RooCodeInc/Roo-Code pull 2691, 2025-04). o3's $2/$8 is in no copy found
 * here — they give its launch price, $10/$40 (2025-04) — so check it before relying on it. Newer
 * models are left out because their API ids could not be confirmed; they get `price: null` (cost
 * unknown, never 0) until a price is given.
 */
/*
 * Gemini (https://ai.google.dev/gemini-api/docs/pricing, standard tier, prompts ≤ 200k tokens;
 * output prices include thinking tokens): these entries match the copies of that page in
 * aipack-ai/aipack src/run/pricing/data/data_gemini.rs and other price tables found here
 * (2025-11). gemini-2.5-flash-preview-04-17 priced thinking apart ($0.60 plain output, $3.50
 * thinking; Google's launch note by P. Schmid, huggingface.co/philschmid), hence reasoningPerMTok.
 */
export const PRICES: PriceTable = {
  version: "2026-11",
  models: {
    anthropic: {
      "claude-opus-4-5": p(5, 25),
      "claude-opus-4-1": p(15, 75),
      "claude-opus-4-0": p(15, 75),
      "claude-opus-4": p(15, 75),
      "claude-sonnet-4-5": p(3, 15),
      "claude-sonnet-4-0": p(3, 15),
      "claude-sonnet-4": p(3, 15),
      "claude-3-7-sonnet": p(3, 15),
      "claude-haiku-4-5": p(1, 5),
      "claude-3-5-haiku": p(0.8, 4),
      "claude-3-haiku": p(0.25, 1.25),
    },
    openai: {
      "gpt-5": p(1.25, 10),
      "gpt-5-mini": p(0.25, 2),
      "gpt-5-nano": p(0.05, 0.4),
      "gpt-4.1": p(2, 8),
      "gpt-4.1-mini": p(0.4, 1.6),
      "gpt-4.1-nano": p(0.1, 0.4),
      "gpt-4o": p(2.5, 10),
      "gpt-4o-mini": p(0.15, 0.6),
      o3: p(2, 8),
      "o4-mini": p(1.1, 4.4),
      "gpt-3.5-turbo": p(0.5, 1.5),
    },
    google: {
      "gemini-2.5-pro": p(1.25, 10),
      "gemini-2.5-flash": p(0.3, 2.5),
      "gemini-2.5-flash-lite": p(0.1, 0.4),
      "gemini-2.0-flash": p(0.1, 0.4),
      "gemini-2.0-flash-lite": p(0.075, 0.3),
      "gemini-2.5-flash-preview-04-17": { inputPerMTok: 0.15, outputPerMTok: 0.6, reasoningPerMTok: 3.5 },
    },
  },
};

/** Date and alias suffixes that do not change the price: -20250929, -2024-08-06, -latest. */
const SUFFIX = /-(?:\d{8}|\d{4}-\d{2}-\d{2}|latest)$/;

/**
 * The price of a model, or null when the table does not know it (cost is then reported as
 * unknown, never as 0). Dated snapshots ("claude-3-5-haiku-20241022") match their base name.
 */
export function priceFor(provider: string, model: string, table: PriceTable = PRICES): ModelPrice | null {
  const models = table.models[provider];
  if (!models) return null;
  let name = model;
  for (;;) {
    const price = models[name];
    if (price) return { ...price };
    const shorter = name.replace(SUFFIX, "");
    if (shorter === name) return null;
    name = shorter;
  }
}
