import { describe, expect, it } from "vitest";
import { BudgetTracker } from "./budget.js";
import { BudgetExceededError } from "./errors.js";
import { SpendLedger } from "./spend-ledger.js";

describe("SpendLedger", () => {
  it("refuses a call whose worst case could exceed the budget, holding in-flight worst cases", () => {
    const ledger = new SpendLedger(1);
    const release = ledger.reserve(0.6, "a request");
    expect(() => ledger.reserve(0.5, "another request")).toThrow(BudgetExceededError);
    release();
    ledger.recordEmbedding({ images: 3, texts: 0, textTokens: 0, costUsd: 0.3 });
    expect(ledger.totalUsd).toBeCloseTo(0.3, 12);
    expect(() => ledger.reserve(0.7, "x")).not.toThrow();
  });

  it("an unknown cost makes the embedding cost unknown, never 0", () => {
    const ledger = new SpendLedger();
    ledger.recordEmbedding({ images: 1, texts: 0, textTokens: 0, costUsd: null });
    expect(ledger.embedding.costUsd).toBeNull();
  });

  it("the LLM's budget counts the embedding spend, and the ledger the LLM's", () => {
    const ledger = new SpendLedger(0.01);
    const tracker = new BudgetTracker({ maxUsd: 0.01 }, { inputPerMTok: 1, outputPerMTok: 1 }, ledger);
    const request = { messages: [{ role: "user" as const, content: "hi" }], maxTokens: 100 };
    expect(tracker.blockingLimitForCall(request)).toBeNull();
    ledger.recordEmbedding({ images: 10, texts: 0, textTokens: 0, costUsd: 0.0099 });
    expect(tracker.blockingLimitForCall(request)).toBe("maxUsd");
    tracker.recordCall({ inputTokens: 1000, outputTokens: 0, costUsd: 0.001 });
    expect(ledger.llmUsd).toBeCloseTo(0.001, 12);
  });
});
