/**
 * The contract every LlmProvider of this package meets, as a vitest suite. Imported only by
 * tests: `runLlmProviderContract("openai", () => new OpenAIProvider(...))`.
 */
import { AbortError, costOf, type LlmProvider, type LlmRequest, ProviderApiError } from "@vlmopt/core";
import { describe, expect, it } from "vitest";
import type { FakeLlmServer } from "./testing/fake-llm-server.js";

export interface ContractOptions {
  /** Called after each case with the provider it made. */
  cleanup?: (provider: LlmProvider) => Promise<void> | void;
  /** Largest n the case asks for. Default 3. */
  maxN?: number;
  /**
   * The stand-in server the provider talks to, for the failure cases: a 429 with Retry-After is
   * retried, and a malformed body fails at once with a ProviderApiError. The provider must be
   * made with a fast `retry.sleep` (the cases script the server's replies).
   */
  standIn?: () => Pick<FakeLlmServer, "enqueue" | "requests">;
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

    const standIn = options.standIn;
    if (standIn) {
      it("retries a 429 (with Retry-After) and then answers", () =>
        withProvider(async (p) => {
          const server = standIn();
          const before = server.requests.length;
          server.enqueue({ type: "error", status: 429, headers: { "retry-after": "1" } });
          const result = await p.generate(request());
          expect(result.texts).toHaveLength(1);
          expect(server.requests.length - before).toBe(2);
        }));

      it("fails at once, not retryable, on a malformed body", () =>
        withProvider(async (p) => {
          const server = standIn();
          const before = server.requests.length;
          server.enqueue({ type: "raw", status: 200, body: '{"candidates": [', headers: {} });
          const error = await p.generate(request()).catch((e: unknown) => e);
          expect(ProviderApiError.isInstance(error)).toBe(true);
          expect((error as ProviderApiError).isRetryable).toBe(false);
          expect(server.requests.length - before).toBe(1);
        }));
    }
  });
}
