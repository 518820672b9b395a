import { BudgetExceededError, type BudgetLimit, ConfigError } from "./errors.js";
import { imageTokenBound } from "./llm-image-tokens.js";
import type { LlmRequest, ModelPrice } from "./llm-provider.js";
import { costOf } from "./llm-provider.js";
import type { SpendLedger } from "./spend-ledger.js";

/** Limits for one run. Absent means unlimited. None is ever exceeded. */
export interface Budget {
  /** LLM generate() calls (one call may ask for n samples). */
  maxLlmCalls?: number;
  /** Input + output tokens over all calls. */
  maxTokens?: number;
  /** Cost in USD over all calls (needs a known model price). */
  maxUsd?: number;
  /** Templates scored (each distinct template counts once). */
  maxEvaluations?: number;
}

export interface BudgetUsage {
  llmCalls: number;
  inputTokens: number;
  outputTokens: number;
  /**
   * Cost of the replies the run used, a reply served from a reply cache at the cost recorded
   * when it was made (so a re-run reports what the first run did); null once any had an unknown cost.
   */
  costUsd: number | null;
  evaluations: number;
  /** Calls served from a reply cache. */
  cachedCalls: number;
}

export function emptyUsage(): BudgetUsage {
  return { llmCalls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, evaluations: 0, cachedCalls: 0 };
}

const limitText: Record<BudgetLimit, string> = {
  maxLlmCalls: "LLM calls",
  maxTokens: "tokens",
  maxUsd: "USD",
  maxEvaluations: "template evaluations",
};

/**
 * An upper bound on the tokens a request can use: every token of a byte-level BPE covers at
 * least one UTF-8 byte, plus a per-message overhead for the chat format; output is bounded by
 * maxTokens × n. Conservative by design so that a budget is never exceeded.
 */
export function maxTokensOf(request: LlmRequest, defaultMaxTokens = 1024): { input: number; output: number } {
  const enc = new TextEncoder();
  let input = 16 + (request.system ? enc.encode(request.system).length + 8 : 0);
  for (const m of request.messages) {
    input += enc.encode(m.content).length + 8;
    // Images at the most any known vendor charges (their bytes are not text tokens).
    for (const image of m.images ?? [])
      input += imageTokenBound(image) + (image.label ? enc.encode(image.label).length : 0);
  }
  const output = (request.maxTokens ?? defaultMaxTokens) * (request.n ?? 1);
  return { input, output };
}

export function validateBudget(budget: Budget): Budget {
  for (const [key, value] of Object.entries(budget)) {
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new ConfigError(`budget.${key} is ${String(value)}; it must be a number ≥ 0`, {
        hint: "leave it out for no limit",
      });
    }
    if (key !== "maxUsd" && !Number.isInteger(value)) {
      throw new ConfigError(`budget.${key} is ${value}; it must be a whole number`);
    }
  }
  return budget;
}

/** Tracks usage against a Budget; the loop asks it before each call and evaluation. */
export class BudgetTracker {
  readonly usage: BudgetUsage = emptyUsage();
  constructor(
    readonly budget: Budget,
    private readonly price: ModelPrice | null | undefined,
    /** The run's USD ledger shared with a paid embedding API: its spending counts toward maxUsd. */
    private readonly ledger?: SpendLedger,
  ) {
    validateBudget(budget);
    if (budget.maxUsd !== undefined && !price) {
      throw new ConfigError("a USD budget was set but the LLM's price is unknown", {
        hint: "set the model's price (e.g. --price-in/--price-out) or use --max-calls/--max-tokens instead",
      });
    }
  }

  /** The limit that a call with this request could break, or null if it may go ahead. */
  blockingLimitForCall(request: LlmRequest): BudgetLimit | null {
    const { budget, usage } = this;
    if (budget.maxLlmCalls !== undefined && usage.llmCalls + 1 > budget.maxLlmCalls) return "maxLlmCalls";
    const bound = maxTokensOf(request);
    const used = usage.inputTokens + usage.outputTokens;
    if (budget.maxTokens !== undefined && used + bound.input + bound.output > budget.maxTokens)
      return "maxTokens";
    if (budget.maxUsd !== undefined && this.price) {
      const worst = costOf({ inputTokens: bound.input, outputTokens: bound.output }, this.price);
      const embeddings = this.ledger?.embeddingUsd ?? 0;
      if ((usage.costUsd ?? 0) + embeddings + worst > budget.maxUsd) return "maxUsd";
    }
    return null;
  }

  blockingLimitForEvaluation(): BudgetLimit | null {
    const { budget, usage } = this;
    if (budget.maxEvaluations !== undefined && usage.evaluations + 1 > budget.maxEvaluations) {
      return "maxEvaluations";
    }
    return null;
  }

  recordCall(
    result: { inputTokens: number; outputTokens: number; costUsd: number | null },
    cached = false,
  ): void {
    const u = this.usage;
    u.llmCalls += 1;
    if (cached) u.cachedCalls += 1;
    u.inputTokens += result.inputTokens;
    u.outputTokens += result.outputTokens;
    u.costUsd = u.costUsd === null || result.costUsd === null ? null : u.costUsd + result.costUsd;
    if (this.ledger) this.ledger.llmUsd = u.costUsd ?? 0;
  }

  /** How many more templates may be scored (Infinity without an evaluation limit). */
  evaluationsLeft(): number {
    const { budget, usage } = this;
    if (budget.maxEvaluations === undefined) return Number.POSITIVE_INFINITY;
    return Math.max(0, budget.maxEvaluations - usage.evaluations);
  }

  recordEvaluation(): void {
    this.usage.evaluations += 1;
  }

  static describe(limit: BudgetLimit, budget: Budget): string {
    return `budget reached: ${budget[limit]} ${limitText[limit]} (${limit})`;
  }

  error(limit: BudgetLimit): BudgetExceededError {
    return new BudgetExceededError(limit, BudgetTracker.describe(limit, this.budget));
  }
}
