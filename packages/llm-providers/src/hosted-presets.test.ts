import { ConfigError, ProviderApiError } from "@vlmopt/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProvider, parseProviderSpec, priceOfSpec, requiredEnv } from "./create-provider.js";
import { HOSTED_PRESETS, hostedPresetsPlugin } from "./hosted-presets.js";
import { runLlmProviderContract } from "./llm-provider-contract.js";
import type { OpenAIProvider } from "./openai-provider.js";
import { type FakeLlmServer, startFakeLlmServer } from "./testing/fake-llm-server.js";

const KEY = "sk-hosted-PLANTED-KEY-1234567890";
let server: FakeLlmServer;
beforeAll(async () => {
  server = await startFakeLlmServer({ requireApiKey: KEY });
});
afterAll(() => server.close());
const retry = { baseDelayMs: 1, maxDelayMs: 2, sleep: async () => {} };

const presets = Object.values(HOSTED_PRESETS);

it("every documented preset is there, with an https base URL and its own key variable", () => {
  expect(presets.map((p) => p.name).sort()).toEqual(
    ["deepseek", "fireworks", "groq", "mistral", "openrouter", "together"].sort(),
  );
  for (const p of presets) {
    expect(p.baseURL).toMatch(/^https:\/\/[a-z.]+\.(ai|com)(\/|$)/);
    expect(p.keyVariable).toBe(`${p.name.toUpperCase()}_API_KEY`);
    expect(hostedPresetsPlugin.prefixes).toContain(p.name);
  }
});

for (const preset of presets) {
  const spec = preset.example;
  const make = () =>
    createProvider(spec, { env: { [preset.keyVariable]: KEY }, baseURL: server.openaiBaseURL, retry });
  runLlmProviderContract(`${preset.name} (OpenAI stand-in)`, make, { standIn: () => server });

  describe(`${spec}`, () => {
    it("parses to the preset, needs its key variable, and names itself", async () => {
      const parsed = parseProviderSpec(spec) as unknown as { preset: { name: string } };
      expect(parsed.preset.name).toBe(preset.name);
      expect(requiredEnv(spec)).toEqual([preset.keyVariable]);
      await expect(createProvider(spec, { env: {} })).rejects.toThrow(
        new RegExp(`${preset.keyVariable} is not set`),
      );
      const p = await createProvider(spec, { env: { [preset.keyVariable]: KEY } });
      expect(p.provider).toBe(preset.name);
      expect((p as OpenAIProvider).baseURL).toBe(preset.baseURL);
      expect(p.price).toBeNull();
      expect(priceOfSpec(spec)).toBeNull();
    });

    it("sends the key as a Bearer token to the preset's /chat/completions with max_tokens", async () => {
      const before = server.requests.length;
      const result = await (await make()).generate({
        messages: [{ role: "user", content: "hi" }],
        maxTokens: 64,
        n: 2,
      });
      expect(result.texts).toHaveLength(2);
      const sent = server.requests.slice(before);
      expect(sent[0]?.path).toBe("/v1/chat/completions");
      expect(sent[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(sent[0]?.body?.max_tokens).toBe(64);
      // Groq rejects n > 1 (console.groq.com/docs/openai): one request per sample.
      if (preset.sendN === false) {
        expect(sent).toHaveLength(2);
        for (const r of sent) expect(r.body?.n).toBeUndefined();
      } else expect(sent[0]?.body?.n).toBe(2);
    });
  });
}

describe("preset details", () => {
  it("openrouter: the cost the service reports is the call's cost", async () => {
    const local = await startFakeLlmServer();
    try {
      const p = await createProvider("openrouter:openai/gpt-4o-mini", {
        env: { OPENROUTER_API_KEY: KEY },
        baseURL: local.openaiBaseURL,
      });
      local.enqueue({
        type: "raw",
        status: 200,
        body: JSON.stringify({
          id: "gen-1",
          object: "chat.completion",
          choices: [{ index: 0, message: { role: "assistant", content: "- a {}." }, finish_reason: "stop" }],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, cost: 0.00042 },
        }),
      });
      const result = await p.generate({ messages: [{ role: "user", content: "hi" }] });
      expect(result.usage.costUsd).toBe(0.00042);
      // other presets ignore a cost field they do not document
      local.enqueue({
        type: "raw",
        status: 200,
        body: JSON.stringify({
          choices: [{ index: 0, message: { role: "assistant", content: "x" } }],
          usage: { prompt_tokens: 1, completion_tokens: 1, cost: 1 },
        }),
      });
      const groq = await createProvider("groq:llama", {
        env: { GROQ_API_KEY: KEY },
        baseURL: local.openaiBaseURL,
      });
      expect((await groq.generate({ messages: [{ role: "user", content: "hi" }] })).usage.costUsd).toBeNull();
    } finally {
      await local.close();
    }
  });

  it("a given price wins; a 401 names the preset's key variable and not the key", async () => {
    const p = await createProvider("deepseek:deepseek-chat", {
      env: { DEEPSEEK_API_KEY: "sk-wrong-key-XYZ" },
      baseURL: server.openaiBaseURL,
      price: { inputPerMTok: 0.27, outputPerMTok: 1.1 },
      retry,
    });
    expect(p.price).toEqual({ inputPerMTok: 0.27, outputPerMTok: 1.1 });
    const error = await p.generate({ messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(ProviderApiError.isInstance(error)).toBe(true);
    expect((error as ProviderApiError).hint).toMatch(/DEEPSEEK_API_KEY/);
    expect(JSON.stringify({ m: (error as Error).message })).not.toContain("sk-wrong-key-XYZ");
  });

  it("a preset without a model is one clear ConfigError", () => {
    expect(() => parseProviderSpec("groq:")).toThrow(ConfigError);
    expect(() => hostedPresetsPlugin.parse("  ", "groq", `groq:${"  "}`)).toThrow(/names no model/);
  });

  it("the entry's async create() builds the same provider", async () => {
    const parsed = hostedPresetsPlugin.parse(
      "mistral-small-latest",
      "mistral",
      `mistral:${"mistral-small-latest"}`,
    );
    const p = await hostedPresetsPlugin.create(parsed, { env: { MISTRAL_API_KEY: KEY } });
    expect(p.provider).toBe("mistral");
    expect(p.modelId).toBe("mistral-small-latest");
  });
});
