import { BudgetExceededError } from "./errors.js";

/** What a run's embedding API calls used (requests actually sent; cache hits are counted apart). */
export interface EmbeddingUsage {
  requests: number;
  images: number;
  texts: number;
  textTokens: number;
  /** Inputs answered from the on-disk cache (nothing was paid for them). */
  cachedImages: number;
  cachedTexts: number;
  /** Cost in USD of the requests sent, or null when the model's price is unknown. */
  costUsd: number | null;
}

export function emptyEmbeddingUsage(): EmbeddingUsage {
  return { requests: 0, images: 0, texts: 0, textTokens: 0, cachedImages: 0, cachedTexts: 0, costUsd: 0 };
}

/**
 * One run's USD spending across its paid plugins: the LLM and a hosted embedding API. Both ask it
 * before a call (`blocks`) with the call's worst-case cost and tell it the actual cost after, so a
 * `--budget-usd` covers the sum and no call starts whose worst case could exceed it.
 */
export class SpendLedger {
  /** USD the LLM's calls cost so far (kept by core's BudgetTracker or an observer). */
  llmUsd = 0;
  readonly embedding: EmbeddingUsage = emptyEmbeddingUsage();

  constructor(readonly maxUsd?: number) {}

  get embeddingUsd(): number {
    return this.embedding.costUsd ?? 0;
  }

  /** Worst-case cost of embedding requests in flight (held until they return). */
  heldUsd = 0;

  get totalUsd(): number {
    return this.llmUsd + this.embeddingUsd + this.heldUsd;
  }

  /** True when a call costing at most `worstUsd` could take the total over the USD budget. */
  blocks(worstUsd: number): boolean {
    return this.maxUsd !== undefined && this.totalUsd + worstUsd > this.maxUsd + 1e-12;
  }

  /**
   * Throws a BudgetExceededError (limit maxUsd) naming `what` when a call costing at most
   * `worstUsd` could exceed the budget; the caller then does not make the call. Otherwise holds
   * `worstUsd` (so concurrent requests cannot overshoot together) until the returned release is
   * called, which the caller does when the request has ended, before recording its actual cost.
   */
  reserve(worstUsd: number, what: string): () => void {
    if (!this.blocks(worstUsd)) {
      this.heldUsd += worstUsd;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        this.heldUsd -= worstUsd;
      };
    }
    const fmt = (n: number) => `$${n.toFixed(6).replace(/0+$/, "").replace(/\.$/, "")}`;
    throw new BudgetExceededError(
      "maxUsd",
      `budget reached: ${this.maxUsd} USD (maxUsd) — ${what} could cost up to ${fmt(worstUsd)} on top of ${fmt(this.totalUsd)} spent (LLM ${fmt(this.llmUsd)}, embeddings ${fmt(this.embeddingUsd)}); it was not sent`,
      { hint: "raise --budget-usd, or re-run: embeddings already paid for are cached" },
    );
  }

  /** Records one embedding request that was sent. `costUsd` null: the price is unknown. */
  recordEmbedding(call: { images: number; texts: number; textTokens: number; costUsd: number | null }): void {
    const u = this.embedding;
    u.requests += 1;
    u.images += call.images;
    u.texts += call.texts;
    u.textTokens += call.textTokens;
    u.costUsd = u.costUsd === null || call.costUsd === null ? null : u.costUsd + call.costUsd;
  }

  recordCached(kind: "image" | "text", count: number): void {
    if (kind === "image") this.embedding.cachedImages += count;
    else this.embedding.cachedTexts += count;
  }
}
