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

  it("prices the five OpenAI models the table's comment names beyond the first copies", () => {
    expect(priceFor("openai", "gpt-5-nano")).toEqual({ inputPerMTok: 0.05, outputPerMTok: 0.4 });
    expect(priceFor("openai", "gpt-4.1-mini")).toEqual({ inputPerMTok: 0.4, outputPerMTok: 1.6 });
    expect(priceFor("openai", "gpt-4.1-nano")).toEqual({ inputPerMTok: 0.1, outputPerMTok: 0.4 });
    expect(priceFor("openai", "o4-mini")).toEqual({ inputPerMTok: 1.1, outputPerMTok: 4.4 });
    expect(priceFor("openai", "o3")).toEqual({ inputPerMTok: 2, outputPerMTok: 8 });
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
