import { costOf, type LlmGenerateResult, type ModelPrice } from "@vlmopt/core";
import type { Limiter } from "./concurrency.js";

/** One sample of a provider that answers one text per request (Anthropic, Bedrock Converse). */
export interface Sample {
  text: string;
  inputTokens: number;
  outputTokens: number;
}

/**
 * `n` independent samples, one request each through `limiter`, with their token usage summed and
 * priced at `price` (cost null when the price is unknown).
 */
export async function sampleEach(
  n: number,
  limiter: Limiter,
  one: () => Promise<Sample>,
  price: ModelPrice | null | undefined,
): Promise<LlmGenerateResult> {
  const samples = await Promise.all(Array.from({ length: n }, () => limiter.run(one)));
  const inputTokens = samples.reduce((s, x) => s + x.inputTokens, 0);
  const outputTokens = samples.reduce((s, x) => s + x.outputTokens, 0);
  return {
    texts: samples.map((x) => x.text),
    usage: {
      inputTokens,
      outputTokens,
      costUsd: price ? costOf({ inputTokens, outputTokens }, price) : null,
    },
  };
}
