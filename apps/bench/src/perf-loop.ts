import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ClipEncoder,
  type Dataset,
  type EmbedOptions,
  extractFeatures,
  JsonlRunStore,
  type LlmProvider,
  optimize,
  type SearchStrategy,
} from "@vlmopt/core";
import { nowMs } from "./timing.js";

export interface LoopPerfResult {
  iterations: number;
  llmCalls: number;
  evaluations: number;
  wallMs: number;
  /** Time inside llm.generate (excluded from the overhead). */
  llmMs: number;
  /** Time inside encoder.embedTexts (prompt encoding; part of the overhead). */
  textEncodeMs: number;
  overheadMs: number;
  /** Overhead minus prompt encoding: the loop's own bookkeeping, scoring and event log. */
  loopOnlyMs: number;
}

/** Wraps an encoder to time its text calls. */
function timedEncoder(encoder: ClipEncoder, acc: { ms: number }): ClipEncoder {
  return {
    specificationVersion: "v1",
    id: encoder.id,
    dim: encoder.dim,
    modelHash: encoder.modelHash,
    maxTextBatch: encoder.maxTextBatch,
    maxImageBatch: encoder.maxImageBatch,
    ...(encoder.warning ? { warning: encoder.warning } : {}),
    async embedTexts(texts: readonly string[], options?: EmbedOptions) {
      const t = nowMs();
      try {
        return await encoder.embedTexts(texts, options);
      } finally {
        acc.ms += nowMs() - t;
      }
    },
    embedImages: (images, options) => encoder.embedImages(images, options),
  };
}

function timedLlm(llm: LlmProvider, acc: { ms: number }): LlmProvider {
  return {
    specificationVersion: "v1",
    provider: llm.provider,
    modelId: llm.modelId,
    ...(llm.price !== undefined ? { price: llm.price } : {}),
    ...(llm.warning ? { warning: llm.warning } : {}),
    async generate(request, options) {
      const t = nowMs();
      try {
        return await llm.generate(request, options);
      } finally {
        acc.ms += nowMs() - t;
      }
    },
  };
}

/**
 * Times a whole optimize() run with image features extracted beforehand (cached), no test
 * evaluation, in a temporary run store. Overhead = wall time − time inside the LLM.
 */
export async function measureLoop(input: {
  encoder: ClipEncoder;
  llm: LlmProvider;
  strategy: SearchStrategy;
  dataset: Dataset;
  iterations: number;
}): Promise<LoopPerfResult> {
  const { encoder, dataset } = input;
  const features = {
    train: await extractFeatures(encoder, dataset.splits.train),
    ...(dataset.splits.val.length > 0 ? { val: await extractFeatures(encoder, dataset.splits.val) } : {}),
  };
  const dir = await mkdtemp(join(tmpdir(), "vlmopt-bench-loop-"));
  const llmAcc = { ms: 0 };
  const textAcc = { ms: 0 };
  const store = new JsonlRunStore(join(dir, "run"));
  try {
    const t = nowMs();
    const result = await optimize({
      strategy: input.strategy,
      llm: timedLlm(input.llm, llmAcc),
      encoder: timedEncoder(encoder, textAcc),
      dataset,
      store,
      features,
      evaluateTest: false,
      seed: 1,
    });
    const wallMs = nowMs() - t;
    return {
      iterations: input.iterations,
      llmCalls: result.usage.llmCalls,
      evaluations: result.usage.evaluations,
      wallMs,
      llmMs: llmAcc.ms,
      textEncodeMs: textAcc.ms,
      overheadMs: wallMs - llmAcc.ms,
      loopOnlyMs: wallMs - llmAcc.ms - textAcc.ms,
    };
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
