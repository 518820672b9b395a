import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  costOf,
  type ImageVendor,
  JsonlRunStore,
  type LlmProvider,
  type ModelPrice,
  optimize,
  type RunResult,
} from "@vlmopt/core";
import { llmImageLoader, requestImageTokens } from "@vlmopt/llm-providers";
import type { Registry } from "@vlmopt/registry";
import type { ParsedCommand } from "./command.js";
import { type CommandContext, printJson } from "./command-context.js";
import { loopOptions } from "./execute-run.js";
import { EXIT } from "./exit-codes.js";
import { int, usd } from "./format.js";
import { createProgressObserver } from "./progress.js";
import { budgetOf, checkBudgetPrice, prepareRun, priceOf } from "./run-setup.js";

/** The counting stand-in of an embedding-API backbone under --dry-run (embedding-apis' DryRunEmbeddingEncoder). */
interface DryEncoder {
  spec: string;
  usage: { images: number; texts: number; textTokens: number };
  costUsd: number | null;
  price: { perImage: number; perMTokText: number } | null;
}

function embeddingLine(e: NonNullable<DryRunEstimate["embedding"]>): string {
  const cost =
    e.costUsd === null
      ? `cost unknown: the price of ${e.model} is not in vlmopt's table (give --model-price-image/--model-price-text)`
      : `at most ${usd(e.costUsd)} at $${e.price?.perImage} per image and $${e.price?.perMTokText} per million text tokens`;
  return `  embeddings (${e.model}): ${int(e.images)} images + ${int(e.texts)} prompts (≤ ${int(e.textTokensAtMost)} tokens), ${cost}; images and prompts already in the cache are not sent again`;
}

/**
 * The simulated provider, charging what `price` would (so budgets stop where the real run would);
 * images shown count at `vendor`'s image token rules.
 */
function priced(llm: LlmProvider, price: ModelPrice | null, vendor: ImageVendor | undefined): LlmProvider {
  return {
    specificationVersion: "v1",
    provider: llm.provider,
    modelId: llm.modelId,
    price,
    ...(llm.warning ? { warning: llm.warning } : {}),
    ...(vendor ? { acceptsImages: true, imageVendor: vendor } : {}),
    async generate(request, options) {
      const result = await llm.generate(request, options);
      const inputTokens = result.usage.inputTokens + (vendor ? requestImageTokens(request, vendor) : 0);
      const usage = { ...result.usage, inputTokens };
      return { ...result, usage: { ...usage, costUsd: price ? costOf(usage, price) : null } };
    },
  };
}

export interface DryRunEstimate {
  llm: string;
  price: ModelPrice | null;
  llmCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** null when the LLM's price is unknown. */
  costUsd: number | null;
  evaluations: number;
  steps: number;
  stop: RunResult["stop"];
  /** An embedding-API backbone: what the run would send and its cost at the model's prices. */
  embedding?: {
    model: string;
    images: number;
    texts: number;
    textTokensAtMost: number;
    /** null when the model's price is unknown. */
    costUsd: number | null;
    price: { perImage: number; perMTokText: number } | null;
  };
}

/**
 * `optimize --dry-run`: the whole loop with the simulated provider standing in for --llm (no key,
 * no cost), in a temporary run directory that is removed; prints the LLM calls, tokens and the cost
 * they would have at --llm's prices.
 */
export async function dryRun(
  parsed: ParsedCommand,
  io: CommandContext["io"],
  registry: Registry,
): Promise<number> {
  const target = parsed.settings.llm;
  const price = target ? (priceOf(parsed.settings) ?? (await registry.priceOfLlm(target))) : null;
  checkBudgetPrice(budgetOf(parsed.settings), price, target ?? "--llm");
  const settings = { ...parsed.settings, llm: "simulated", noLlmCache: true, noTest: true };
  const prepared = await prepareRun(settings, {
    io,
    registry,
    command: "optimize",
    quiet: parsed.json,
    dryRun: true,
  });
  const vendor = target ? registry.llmImageVendor(target) : undefined;
  const dir = await mkdtemp(join(tmpdir(), "vlmopt-dry-run-"));
  const store = new JsonlRunStore(join(dir, "run"));
  const progress = createProgressObserver(io, { verbose: parsed.verbose, quiet: parsed.json });
  let result: RunResult;
  try {
    result = await optimize({
      ...loopOptions(prepared, io, store, [progress]),
      llm: priced(prepared.llm, price, vendor),
      ...(vendor ? { loadImage: llmImageLoader(vendor) } : {}),
      evaluateTest: false,
    });
  } finally {
    progress.done();
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
  const u = result.usage;
  const estimate: DryRunEstimate = {
    llm: target ?? "?",
    price,
    llmCalls: u.llmCalls,
    inputTokens: u.inputTokens,
    outputTokens: u.outputTokens,
    costUsd: price ? costOf(u, price) : null,
    evaluations: u.evaluations,
    steps: result.steps,
    stop: result.stop,
  };
  const dry = prepared.encoder.id.startsWith("dry-run:") ? (prepared.encoder as unknown as DryEncoder) : null;
  if (dry) {
    estimate.embedding = {
      model: dry.spec,
      images: dry.usage.images,
      texts: dry.usage.texts,
      textTokensAtMost: dry.usage.textTokens,
      costUsd: dry.costUsd,
      price: dry.price,
    };
  }
  if (parsed.json) {
    printJson(io, estimate);
    return EXIT.ok;
  }
  const cost =
    estimate.costUsd === null
      ? `cost unknown: the price of ${estimate.llm} is not in vlmopt's table (give --price-in/--price-out)`
      : `about ${usd(estimate.costUsd)} at ${estimate.llm}'s prices ($${price?.inputPerMTok} in / $${price?.outputPerMTok} out per million tokens)`;
  const stop =
    result.stop.kind === "budget"
      ? `the budget (${result.stop.limit}) would stop the run after ${result.steps} steps`
      : result.stop.kind === "completed"
        ? `all ${result.steps} steps would run`
        : `stopped: ${result.stop.kind}`;
  io.stdout(
    [
      `Dry run: ${prepared.strategy.name} on ${prepared.dataset.name} with the simulated provider (not an LLM) standing in for ${estimate.llm}`,
      `  ${int(u.llmCalls)} LLM calls, ${int(u.inputTokens + u.outputTokens)} tokens (in ${int(u.inputTokens)} / out ${int(u.outputTokens)}), ${int(u.evaluations)} templates scored`,
      `  ${cost}`,
      `  ${stop}`,
      ...(estimate.embedding ? [embeddingLine(estimate.embedding)] : []),
      "A real LLM's replies are longer or shorter than the simulated ones, so treat this as an estimate. No run directory was written.",
      "",
    ].join("\n"),
  );
  return EXIT.ok;
}
