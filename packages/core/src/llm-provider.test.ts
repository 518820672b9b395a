import { describe, expect, it } from "vitest";
import { maxTokensOf } from "./budget.js";
import { imageTokenBound, imageTokens } from "./llm-image-tokens.js";
import { costOf, requestHasImages } from "./llm-provider.js";

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

describe("image tokens", () => {
  const image = {
    mediaType: "image/png" as const,
    data: "",
    sha256: "0".repeat(64),
    width: 384,
    height: 384,
  };

  it("follows each vendor's rule, and a budget bounds an image by the most any vendor charges", () => {
    expect(imageTokens(image, "openai")).toBe(85);
    expect(imageTokens(image, "gemini")).toBe(258);
    expect(imageTokens(image, "anthropic")).toBe(Math.ceil((384 * 384) / 750));
    expect(imageTokenBound(image)).toBe(258);
    const text = maxTokensOf({ messages: [{ role: "user", content: "hi" }] });
    const withImages = maxTokensOf({ messages: [{ role: "user", content: "hi", images: [image, image] }] });
    expect(withImages.input - text.input).toBe(2 * imageTokenBound(image));
    expect(requestHasImages({ messages: [{ role: "user", content: "hi", images: [image] }] })).toBe(true);
    expect(requestHasImages({ messages: [{ role: "user", content: "hi" }] })).toBe(false);
  });
});
