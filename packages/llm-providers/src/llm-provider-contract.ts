/**
 * The contract every LlmProvider of this package meets, as a vitest suite. Imported only by
 * tests: `runLlmProviderContract("openai", () => new OpenAIProvider(...))`.
 */
import { AbortError, costOf, type LlmProvider, type LlmRequest } from "@vlmopt/core";
import { describe, expect, it } from "vitest";

export interface ContractOptions {
  /** Called after each case with the provider it made. */
  cleanup?: (provider: LlmProvider) => Promise<void> | void;
  /** Largest n the case asks for. Default 3. */
  maxN?: number;
}

const request = (n?: number): LlmRequest => ({
  system: "You write CLIP prompt templates.",
  messages: [
    {
      role: "user",
      content:
        'Here are templates and their accuracies:\n- "a photo of a {}." 61.0\n- "a satellite photo of a {}." 70.5\nWrite 5 better templates, one per line, starting with "- ".',
    },
  ],
  temperature: 1,
  maxTokens: 200,
  ...(n !== undefined ? { n } : {}),
});

export function runLlmProviderContract(
  name: string,
  make: () => LlmProvider | Promise<LlmProvider>,
  options: ContractOptions = {},
): void {
  const withProvider = async (fn: (p: LlmProvider) => Promise<void>) => {
    const provider = await make();
    try {
      await fn(provider);
    } finally {
      await options.cleanup?.(provider);
    }
  };

  describe(`LlmProvider contract: ${name}`, () => {
    it("identifies itself", () =>
      withProvider(async (p) => {
        expect(p.specificationVersion).toBe("v1");
        expect(p.provider).toMatch(/^[a-z][a-z0-9-]*$/);
        expect(typeof p.modelId).toBe("string");
        expect(p.modelId.length).toBeGreaterThan(0);
        if (p.warning !== undefined) expect(p.warning.length).toBeGreaterThan(0);
      }));

    it("returns one text by default, with usage", () =>
      withProvider(async (p) => {
        const result = await p.generate(request());
        expect(result.texts).toHaveLength(1);
        expect(typeof result.texts[0]).toBe("string");
        const { inputTokens, outputTokens, costUsd } = result.usage;
        expect(Number.isInteger(inputTokens) && inputTokens >= 0).toBe(true);
        expect(Number.isInteger(outputTokens) && outputTokens >= 0).toBe(true);
        if (p.price) {
          expect(costUsd).not.toBeNull();
          if (!result.cached) expect(costUsd).toBeCloseTo(costOf(result.usage, p.price), 12);
        } else {
          expect(costUsd).toBeNull();
        }
      }));

    it("returns n texts for n samples", () =>
      withProvider(async (p) => {
        const n = options.maxN ?? 3;
        const result = await p.generate(request(n));
        expect(result.texts).toHaveLength(n);
        for (const t of result.texts) expect(typeof t).toBe("string");
      }));

    it("rejects with AbortError when the signal is already aborted", () =>
      withProvider(async (p) => {
        const controller = new AbortController();
        controller.abort(new Error("stop"));
        const error = await p.generate(request(), { signal: controller.signal }).catch((e: unknown) => e);
        expect(AbortError.isInstance(error)).toBe(true);
      }));
  });
}
