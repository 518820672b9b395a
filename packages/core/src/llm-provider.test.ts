import { describe, expect, it } from "vitest";
import { costOf } from "./llm-provider.js";

describe("costOf", () => {
  it("prices input and output per million tokens", () => {
    expect(
      costOf({ inputTokens: 1_000_000, outputTokens: 500_000 }, { inputPerMTok: 1, outputPerMTok: 4 }),
    ).toBe(3);
  });

  it("prices reasoning tokens (part of the output) apart when the price says so, else as output", () => {
    const usage = { inputTokens: 0, outputTokens: 1_000_000, reasoningTokens: 800_000 };
    expect(costOf(usage, { inputPerMTok: 0, outputPerMTok: 1, reasoningPerMTok: 5 })).toBeCloseTo(
      0.2 + 4,
      12,
    );
    expect(costOf(usage, { inputPerMTok: 0, outputPerMTok: 1 })).toBeCloseTo(1, 12);
    // more reasoning than output (a server's miscount) never prices negative plain output
    expect(
      costOf(
        { inputTokens: 0, outputTokens: 10, reasoningTokens: 20 },
        { inputPerMTok: 0, outputPerMTok: 1, reasoningPerMTok: 2 },
      ),
    ).toBeCloseTo(20 / 1e6, 12);
  });
});
