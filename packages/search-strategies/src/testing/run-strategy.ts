import { type Budget, type LlmProvider, optimize, type RunResult, type RunStore } from "@vlmopt/core";
import { MemoryRunStore, ScriptedLlm, type ScriptedReply } from "@vlmopt/core/testing";
import { createSyntheticTask } from "../../bench/synthetic-task.js";
import { createStrategy } from "../registry.js";

/** Runs a registered strategy end to end through core's optimize() on the synthetic task (tests only). */
export async function runStrategy(
  name: string,
  params: Record<string, unknown>,
  replies: readonly ScriptedReply[] | LlmProvider,
  options: { budget?: Budget; store?: RunStore; seed?: number } = {},
): Promise<{ result: RunResult; llm: LlmProvider }> {
  const { dataset, encoder } = createSyntheticTask({ seed: options.seed ?? 1 });
  const llm = Array.isArray(replies)
    ? new ScriptedLlm({ replies, whenExhausted: "repeat-last" })
    : (replies as LlmProvider);
  const result = await optimize({
    strategy: createStrategy(name, params, { datasetName: dataset.name }),
    llm,
    encoder,
    dataset,
    store: options.store ?? new MemoryRunStore(),
    seed: options.seed ?? 1,
    ...(options.budget ? { budget: options.budget } : {}),
  });
  return { result, llm };
}

/** The requests a ScriptedLlm received, as readable text for file snapshots. */
export function transcript(llm: LlmProvider): string {
  const calls = (llm as ScriptedLlm).calls;
  return calls
    .map((r, i) => {
      const head = `### call ${i + 1} (temperature ${r.temperature}, maxTokens ${r.maxTokens}, n ${r.n ?? 1})`;
      const body = r.messages.map((m) => `--- ${m.role}\n${m.content}`).join("\n");
      return `${head}\n${body}`;
    })
    .join("\n\n");
}
