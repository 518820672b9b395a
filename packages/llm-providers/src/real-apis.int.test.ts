/**
 * Integration test of the real APIs with the official SDKs. Excluded from `pnpm test`; run with
 * `pnpm test:int`. Each provider runs only when its key is set (ANTHROPIC_API_KEY,
 * OPENAI_API_KEY); the models can be changed with VLMOPT_INT_ANTHROPIC_MODEL / VLMOPT_INT_OPENAI_MODEL.
 */
import { describe, expect, it } from "vitest";
import { createProvider } from "./create-provider.js";

const cases = [
  {
    key: "ANTHROPIC_API_KEY",
    spec: `anthropic:${process.env.VLMOPT_INT_ANTHROPIC_MODEL ?? "claude-haiku-4-5"}`,
  },
  { key: "OPENAI_API_KEY", spec: `openai:${process.env.VLMOPT_INT_OPENAI_MODEL ?? "gpt-4o-mini"}` },
];

for (const { key, spec } of cases) {
  const missing = !process.env[key];
  if (missing) console.warn(`skipping ${spec}: ${key} is not set`);
  describe.skipIf(missing)(`${spec} (real API)`, () => {
    it("answers a meta-prompt with templates, token usage and a cost", { timeout: 120_000 }, async () => {
      const llm = await createProvider(spec);
      const result = await llm.generate({
        messages: [
          {
            role: "user",
            content:
              "Write 2 prompt templates for CLIP image classification of satellite images. Each must contain {} where the class name goes. Reply with one template per line, each starting with '- '.",
          },
        ],
        temperature: 1,
        maxTokens: 100,
        n: 2,
      });
      expect(result.texts).toHaveLength(2);
      for (const text of result.texts) expect(text).toContain("{}");
      expect(result.usage.inputTokens).toBeGreaterThan(0);
      expect(result.usage.outputTokens).toBeGreaterThan(0);
      expect(result.usage.costUsd).not.toBeNull();
    });
  });
}
