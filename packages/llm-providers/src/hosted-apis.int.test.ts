/**
 * The real APIs of issue #20's providers, with their official SDKs. Excluded from `pnpm test`;
 * run with `pnpm test:int`. Each runs only when its credentials are set; models can be changed
 * with the VLMOPT_INT_* variables named below.
 */
import { describe, expect, it } from "vitest";
import { createProvider } from "./create-provider.js";
import { HOSTED_PRESETS } from "./hosted-presets.js";

const env = process.env;
const modelOf = (name: string, fallback: string) =>
  env[`VLMOPT_INT_${name.toUpperCase().replace(/-/g, "_")}_MODEL`] ?? fallback;

const cases: { spec: string; needs: string[]; priced: boolean }[] = [
  ...Object.values(HOSTED_PRESETS).map((p) => ({
    spec: `${p.name}:${modelOf(p.name, p.example.slice(p.name.length + 1))}`,
    needs: [p.keyVariable],
    priced: p.reportsCost === true,
  })),
  { spec: `google:${modelOf("google", "gemini-2.5-flash")}`, needs: ["GEMINI_API_KEY"], priced: true },
  {
    // the deployment is the user's own: VLMOPT_INT_AZURE_OPENAI_MODEL
    spec: `azure-openai:${modelOf("azure-openai", "gpt-4o-mini")}`,
    needs: ["AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY"],
    priced: false,
  },
  {
    spec: `bedrock:${modelOf("bedrock", "us.anthropic.claude-3-5-haiku-20241022-v1:0")}`,
    needs: ["AWS_REGION", "VLMOPT_INT_BEDROCK"],
    priced: true,
  },
];

for (const { spec, needs, priced } of cases) {
  const missing = needs.filter((v) => !env[v]);
  if (missing.length > 0) console.warn(`skipping ${spec}: ${missing.join(", ")} not set`);
  describe.skipIf(missing.length > 0)(`${spec} (real API)`, () => {
    it("answers a meta-prompt with templates and token usage", { timeout: 120_000 }, async () => {
      const llm = await createProvider(spec);
      const result = await llm.generate({
        system: "You write prompt templates for CLIP image classification.",
        messages: [
          {
            role: "user",
            content:
              "Write 2 prompt templates for satellite images. Each must contain {} where the class name goes. One per line, each starting with '- '.",
          },
        ],
        temperature: 1,
        maxTokens: 200,
        n: 2,
      });
      expect(result.texts).toHaveLength(2);
      for (const text of result.texts) expect(text).toContain("{}");
      expect(result.usage.inputTokens).toBeGreaterThan(0);
      expect(result.usage.outputTokens).toBeGreaterThan(0);
      if (priced) expect(result.usage.costUsd).not.toBeNull();
    });
  });
}
