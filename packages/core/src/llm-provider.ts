import type { ImageVendor } from "./llm-image-tokens.js";

/**
 * An image shown to a multimodal LLM, already encoded and downscaled for the vendor. Images never
 * change a message's `content`: a provider that takes text only refuses a request that has any
 * (see `LlmProvider.acceptsImages`).
 */
export interface LlmImage {
  mediaType: "image/png" | "image/jpeg" | "image/webp";
  /** The encoded bytes, base64. */
  data: string;
  /** sha256 (hex) of the encoded bytes: what reply-cache keys and run logs hold instead of the bytes. */
  sha256: string;
  width: number;
  height: number;
  /** A caption sent next to the image (e.g. its class name). */
  label?: string;
}

/** One chat message. The system prompt is passed separately. */
export interface LlmMessage {
  role: "user" | "assistant";
  content: string;
  /** Images shown before `content` (user messages only). Absent in text-only requests. */
  images?: readonly LlmImage[];
}

/** True when any message of `request` carries images. */
export function requestHasImages(request: LlmRequest): boolean {
  return request.messages.some((m) => (m.images?.length ?? 0) > 0);
}

/** Everything that determines an LLM reply (and so the key of a reply cache). */
export interface LlmRequest {
  messages: readonly LlmMessage[];
  system?: string;
  /** Sampling temperature; providers default to 1.0. */
  temperature?: number;
  /** Maximum output tokens per sample. */
  maxTokens?: number;
  /** Sequences that end a reply (not included in it). */
  stopSequences?: readonly string[];
  /** Number of samples (independent replies). Default 1. */
  n?: number;
}

/** A failed attempt of a call that is about to be retried (after `delayMs`). */
export interface LlmRetryInfo {
  /** The retry about to be made, 1-based: attempt `retry + 1` of `maxRetries + 1`. */
  retry: number;
  /** Retries allowed after the first attempt. */
  maxRetries: number;
  /** The wait before the retry, in ms. */
  delayMs: number;
  /** Why the attempt failed: "HTTP 429", "request timed out after 60 s", "cannot reach …". */
  reason: string;
  /** The HTTP status, when there was one. */
  status?: number;
}

export interface LlmGenerateOptions {
  signal?: AbortSignal;
  /**
   * Called before each wait for a retry (an observer hook: a provider that never retries never
   * calls it). The provider waits for a returned promise before it waits for the retry.
   */
  onRetry?(info: LlmRetryInfo): void | Promise<void>;
  /**
   * Identity of this call within its run, stable across a resume and a re-run of the same
   * settings (the loop sends `seed=<run seed>;seq=<call number>`). A reply cache keys on it, so a
   * request repeated within a run (a retry, the same meta-prompt at a later step) or sent by a
   * run with another seed gets fresh samples, while a re-run or resumed run gets the same ones;
   * deterministic providers (simulated) seed on it.
   */
  callId?: string;
}

export interface LlmUsage {
  inputTokens: number;
  /** Every billed output token, reasoning ("thinking") tokens included. */
  outputTokens: number;
  /** The part of `outputTokens` the model spent reasoning (Gemini's thoughtsTokenCount), when reported. */
  reasoningTokens?: number;
  /** Cost in USD, or null when the model's price is unknown (never a silent 0). */
  costUsd: number | null;
}

export interface LlmGenerateResult {
  /** One text per sample (length n). */
  texts: string[];
  usage: LlmUsage;
  /** True when every sample came from a reply cache (nothing was paid). */
  cached?: boolean;
}

/** Prices in USD per million tokens. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Price of reasoning tokens when a vendor prices them apart; default `outputPerMTok`. */
  reasoningPerMTok?: number;
}

/**
 * A chat LLM. One call, `generate`, covers every strategy: messages, system prompt, temperature,
 * max tokens, n samples and an AbortSignal in; texts and token usage out.
 */
export interface LlmProvider {
  readonly specificationVersion: "v1";
  /** e.g. "anthropic", "openai", "openai-compatible", "simulated". */
  readonly provider: string;
  readonly modelId: string;
  /** Price per million tokens if known; used by budgets to refuse a call that could overspend. */
  readonly price?: ModelPrice | null;
  /** Set for providers that are not real LLMs (simulated, scripted): shown in every report. */
  readonly warning?: string;
  /** True for providers that send `LlmMessage.images` (Anthropic, OpenAI, Gemini); absent = text only. */
  readonly acceptsImages?: boolean;
  /** Whose image limits and token rules apply (set with `acceptsImages`): the image size and tokens. */
  readonly imageVendor?: ImageVendor;
  generate(request: LlmRequest, options?: LlmGenerateOptions): Promise<LlmGenerateResult>;
}

/** USD for `usage` at `price`; reasoning tokens (part of outputTokens) at `reasoningPerMTok` when set. */
export function costOf(
  usage: { inputTokens: number; outputTokens: number; reasoningTokens?: number },
  price: ModelPrice,
): number {
  const reasoning = Math.min(usage.reasoningTokens ?? 0, usage.outputTokens);
  const reasoningRate = price.reasoningPerMTok ?? price.outputPerMTok;
  return (
    (usage.inputTokens * price.inputPerMTok +
      (usage.outputTokens - reasoning) * price.outputPerMTok +
      reasoning * reasoningRate) /
    1_000_000
  );
}
