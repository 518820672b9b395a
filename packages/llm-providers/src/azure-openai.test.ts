import { ConfigError, ProviderApiError } from "@vlmopt/core";
import { AzureOpenAI } from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AZURE_OPENAI_DEFAULT_API_VERSION, azureOpenAIOptions, azureOpenAIPlugin } from "./azure-openai.js";
import { checkProviderSpec, createProvider } from "./create-provider.js";
import { runLlmProviderContract } from "./llm-provider-contract.js";
import type { OpenAIProvider } from "./openai-provider.js";
import { azureDeploymentOf, startAzureOpenAIStandIn } from "./testing/azure-openai-stand-in.js";
import type { FakeLlmServer } from "./testing/fake-llm-server.js";

const KEY = "azure-PLANTED-KEY-1234567890";
let server: FakeLlmServer;
const retry = { baseDelayMs: 1, maxDelayMs: 2, sleep: async () => {} };
beforeEach(async () => {
  server = await startAzureOpenAIStandIn({
    requireApiKey: KEY,
    apiVersions: ["2024-10-21", "2025-01-01-preview"],
  });
});
afterEach(() => server.close());

const env = (extra: Record<string, string> = {}) => ({
  AZURE_OPENAI_API_KEY: KEY,
  AZURE_OPENAI_ENDPOINT: server.url,
  ...extra,
});
const make = (extra: Record<string, string> = {}) =>
  createProvider("azure-openai:my-gpt4o-mini", { env: env(extra), retry });

runLlmProviderContract("azure-openai (Azure stand-in)", () => make(), { standIn: () => server });

describe("azure-openai:<deployment> against the Azure stand-in", () => {
  it("goes to /openai/deployments/<deployment>/chat/completions with the api-version and the api-key header", async () => {
    const p = await make();
    expect(p.provider).toBe("azure-openai");
    expect(p.modelId).toBe("my-gpt4o-mini");
    const result = await p.generate({
      system: "s",
      messages: [{ role: "user", content: "hi" }],
      maxTokens: 40,
      n: 2,
    });
    expect(result.texts).toHaveLength(2);
    const [req] = server.requests;
    expect(azureDeploymentOf(req?.path ?? "")).toBe("my-gpt4o-mini");
    expect(req?.headers["api-key"]).toBe(KEY);
    expect(req?.headers.authorization).toBeUndefined();
    expect(req?.body?.max_tokens).toBe(40);
    expect(req?.body?.n).toBe(2);
    expect(result.usage.costUsd).toBeNull();
  });

  it("a newer api-version sends max_completion_tokens; an unsupported one is a clear 400, not retried", async () => {
    const p = await make({ OPENAI_API_VERSION: "2025-01-01-preview" });
    await p.generate({ messages: [{ role: "user", content: "hi" }], maxTokens: 40 });
    expect(server.requests[0]?.body?.max_completion_tokens).toBe(40);
    const error = await (await make({ OPENAI_API_VERSION: "2023-01-01" }))
      .generate({ messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(ProviderApiError.isInstance(error) && error.status === 400 && !error.isRetryable).toBe(true);
    expect((error as Error).message).toMatch(/Unsupported api-version 2023-01-01/);
    expect(server.requests).toHaveLength(2);
  });

  it("an Entra ID token goes as Authorization: Bearer (no api-key header)", async () => {
    const token = "eyJ-ENTRA-TOKEN-1234567890";
    const tokenServer = await startAzureOpenAIStandIn({ requireApiKey: token });
    try {
      const p = await createProvider("azure-openai:dep", {
        env: { AZURE_OPENAI_AD_TOKEN: token, AZURE_OPENAI_ENDPOINT: tokenServer.url },
      });
      await p.generate({ messages: [{ role: "user", content: "hi" }] });
      const [req] = tokenServer.requests;
      expect(req?.headers.authorization).toBe(`Bearer ${token}`);
      expect(req?.headers["api-key"]).toBeUndefined();
      expect(new URL(`http://x${req?.path}?api-version=${AZURE_OPENAI_DEFAULT_API_VERSION}`)).toBeTruthy();
    } finally {
      await tokenServer.close();
    }
  });

  it("--llm-base-url replaces AZURE_OPENAI_ENDPOINT; no endpoint or no credential is one ConfigError", async () => {
    const p = await createProvider("azure-openai:dep", {
      env: { AZURE_OPENAI_API_KEY: KEY },
      baseURL: server.url,
    });
    expect((p as OpenAIProvider).baseURL).toBe(server.url);
    await expect(createProvider("azure-openai:dep", { env: { AZURE_OPENAI_API_KEY: KEY } })).rejects.toThrow(
      /AZURE_OPENAI_ENDPOINT is not set/,
    );
    expect(() => checkProviderSpec("azure-openai:dep", {})).toThrow(/AZURE_OPENAI_API_KEY is not set/);
    expect(() => checkProviderSpec("azure-openai:dep", { AZURE_OPENAI_AD_TOKEN: "t" })).not.toThrow();
    expect(() => azureOpenAIPlugin.parse("a/b", "azure-openai", `azure-openai:${"a/b"}`)).toThrow(
      ConfigError,
    );
    expect(() => azureOpenAIOptions({ deployment: "d" }, { env: {} }, AzureOpenAI)).toThrow(ConfigError);
  });
});
