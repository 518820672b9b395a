import type { LlmMessage, LlmProposal } from "@vlmopt/core";
import { num, type ResolvedParams } from "./params.js";
import { parseTemplates } from "./parse-templates.js";

/**
 * The LLM step every strategy proposes: its messages sent at the strategy's `temperature`,
 * `maxTokens` and `n` samples, retried up to `maxAttempts` calls, each sample's reply parsed into
 * at most `limit` new templates.
 */
export function llmProposal(
  params: ResolvedParams,
  label: string,
  messages: readonly LlmMessage[],
  limit: number,
  samples = num(params, "n"),
): LlmProposal {
  return {
    kind: "llm",
    label,
    request: {
      messages,
      temperature: num(params, "temperature"),
      maxTokens: num(params, "maxTokens"),
      ...(samples > 1 ? { n: samples } : {}),
    },
    maxAttempts: num(params, "maxAttempts"),
    parse: (texts, alreadyScored) => texts.flatMap((t) => parseTemplates(t, { alreadyScored, limit })),
  };
}
