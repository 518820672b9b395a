import { describe, expect, it } from "vitest";
import { PRICES, priceFor } from "./prices.js";

describe("priceFor", () => {
  it("knows Anthropic and OpenAI models, including dated snapshots", () => {
    expect(PRICES.version).toBe("2026-11");
    expect(priceFor("anthropic", "claude-haiku-4-5")).toEqual({ inputPerMTok: 1, outputPerMTok: 5 });
    expect(priceFor("anthropic", "claude-3-5-haiku-20241022")).toEqual({
      inputPerMTok: 0.8,
      outputPerMTok: 4,
    });
    expect(priceFor("openai", "gpt-4o-2024-08-06")).toEqual({ inputPerMTok: 2.5, outputPerMTok: 10 });
    expect(priceFor("openai", "gpt-3.5-turbo")).not.toBeNull();
  });

  it("returns null (unknown), never 0, for models it does not know", () => {
    expect(priceFor("openai", "my-finetune")).toBeNull();
    expect(priceFor("openai-compatible", "gpt-4o")).toBeNull();
    expect(priceFor("nobody", "x")).toBeNull();
  });

  it("takes an overriding table and returns copies", () => {
    const table = { version: "test", models: { openai: { x: { inputPerMTok: 9, outputPerMTok: 9 } } } };
    expect(priceFor("openai", "x", table)).toEqual({ inputPerMTok: 9, outputPerMTok: 9 });
    const p = priceFor("openai", "gpt-4o");
    if (p) p.inputPerMTok = 0;
    expect(priceFor("openai", "gpt-4o")?.inputPerMTok).toBe(2.5);
  });
});
