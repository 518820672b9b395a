import type { LlmMessage, LlmProposal } from "@vlmopt/core";
import type { LlmStepParams } from "./params.js";
import { parseTemplates } from "./parse-templates.js";

/**
 * The LLM step every strategy proposes: its messages sent at the strategy's `temperature`,
 * `maxTokens` and `n` samples, retried up to `maxAttempts` calls, each sample's reply parsed into
 * at most `limit` new templates.
 */
export function llmProposal(
  params: LlmStepParams,
  label: string,
  messages: readonly LlmMessage[],
  limit: number,
  samples = params.n ?? 1,
): LlmProposal {
  return {
    kind: "llm",
    label,
    request: {
      messages,
      temperature: params.temperature,
      maxTokens: params.maxTokens,
      ...(samples > 1 ? { n: samples } : {}),
    },
    maxAttempts: params.maxAttempts,
    parse: (texts, alreadyScored) => texts.flatMap((t) => parseTemplates(t, { alreadyScored, limit })),
  };
}
