import { AbortError, ConfigError, ProviderApiError } from "@vlmopt/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BedrockProvider, bedrockPlugin, bedrockPrice } from "./bedrock-provider.js";
import { createProvider, priceOfSpec } from "./create-provider.js";
import { runLlmProviderContract } from "./llm-provider-contract.js";
import { bedrockModelOf, startBedrockStandIn } from "./testing/bedrock-stand-in.js";
import type { FakeLlmServer } from "./testing/fake-llm-server.js";

const ACCESS = "AKIATESTACCESSKEY123";
const SECRET = "secret-PLANTED-1234567890abcdef";
const MODEL = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
let server: FakeLlmServer;
const delays: number[] = [];
const retry = {
  baseDelayMs: 1,
  maxDelayMs: 2,
  sleep: async (ms: number) => {
    delays.push(ms);
  },
};
beforeEach(async () => {
  server = await startBedrockStandIn({ requireApiKey: ACCESS });
  delays.length = 0;
});
afterEach(() => server.close());

const env = { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: ACCESS, AWS_SECRET_ACCESS_KEY: SECRET };
const make = (o: Partial<ConstructorParameters<typeof BedrockProvider>[0]> = {}) =>
  new BedrockProvider({ model: MODEL, env, baseURL: server.url, retry, ...o });

runLlmProviderContract("bedrock (Converse stand-in)", () => make(), { standIn: () => server });

describe("bedrock:<model id> against the Converse stand-in", () => {
  it("sends Converse's shape, SigV4-signed, and prices Claude at Anthropic's list price", async () => {
    server.enqueue({ type: "text", texts: ["- a {}."], inputTokens: 1000, outputTokens: 200 });
    const p = make();
    const result = await p.generate({
      system: "be brief",
      messages: [{ role: "user", content: "hello" }],
      temperature: 0.5,
      maxTokens: 60,
      stopSequences: ["END"],
    });
    expect(result.texts).toEqual(["- a {}."]);
    expect(p.price).toEqual({ inputPerMTok: 0.8, outputPerMTok: 4 });
    expect(result.usage.costUsd).toBeCloseTo((1000 * 0.8 + 200 * 4) / 1e6, 12);
    const [req] = server.requests;
    expect(bedrockModelOf(req?.path ?? "")).toBe(MODEL);
    expect(String(req?.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIATESTACCESSKEY123\/\d{8}\/us-east-1\/bedrock\//,
    );
    expect(req?.body).toMatchObject({
      messages: [{ role: "user", content: [{ text: "hello" }] }],
      system: [{ text: "be brief" }],
      inferenceConfig: { maxTokens: 60, temperature: 0.5, stopSequences: ["END"] },
    });
  });

  it("ThrottlingException is retried; ValidationException is not; AccessDenied gives a credentials hint without the secret", async () => {
    server.enqueue(
      { type: "error", status: 429, message: "Too many requests" },
      { type: "text", texts: ["ok"] },
    );
    expect((await make().generate({ messages: [{ role: "user", content: "hi" }] })).texts).toEqual(["ok"]);
    server.enqueue({ type: "error", status: 400, message: "maxTokens too large" });
    const bad = await make()
      .generate({ messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(ProviderApiError.isInstance(bad) && bad.status === 400 && !bad.isRetryable).toBe(true);
    expect((bad as Error).message).toMatch(/ValidationException: maxTokens too large/);
    server.enqueue({ type: "error", status: 403, message: `denied ${SECRET}` });
    const denied = await make()
      .generate({ messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect((denied as ProviderApiError).hint).toMatch(/AWS credentials/);
    expect((denied as Error).message).not.toContain(SECRET);
  });

  it("n samples are n Converse requests; stalls time out and are retried; aborts are AbortError", async () => {
    expect((await make().generate({ messages: [{ role: "user", content: "hi" }], n: 3 })).texts).toHaveLength(
      3,
    );
    expect(server.requests).toHaveLength(3);
    server.enqueue({ type: "stall" }, { type: "text", texts: ["late"] });
    expect(
      (await make({ timeoutMs: 200 }).generate({ messages: [{ role: "user", content: "hi" }] })).texts,
    ).toEqual(["late"]);
    server.enqueue({ type: "stall" });
    const controller = new AbortController();
    const pending = make({ timeoutMs: 30_000 })
      .generate({ messages: [{ role: "user", content: "hi" }] }, { signal: controller.signal })
      .catch((e: unknown) => e);
    while (server.requests.length < 6) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    expect(AbortError.isInstance(await pending)).toBe(true);
  });

  it("no region is one ConfigError at the first call", async () => {
    const p = new BedrockProvider({
      model: MODEL,
      env: { AWS_ACCESS_KEY_ID: ACCESS, AWS_SECRET_ACCESS_KEY: SECRET },
    });
    const prev = {
      r: process.env.AWS_REGION,
      d: process.env.AWS_DEFAULT_REGION,
      c: process.env.AWS_CONFIG_FILE,
    };
    process.env.AWS_CONFIG_FILE = "/nonexistent/aws-config";
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    try {
      const error = await p
        .generate({ messages: [{ role: "user", content: "hi" }] })
        .catch((e: unknown) => e);
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/AWS_REGION/);
    } finally {
      for (const [k, v] of [
        ["AWS_REGION", prev.r],
        ["AWS_DEFAULT_REGION", prev.d],
        ["AWS_CONFIG_FILE", prev.c],
      ] as const)
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });
});

describe("bedrockPlugin", () => {
  it("parses model ids and inference profiles, prices Claude ids, leaves others unknown", async () => {
    expect(bedrockPlugin.parse(MODEL, "bedrock", `bedrock:${MODEL}`)).toEqual({ modelId: MODEL });
    expect(() => bedrockPlugin.parse("bad id", "bedrock", `bedrock:${"bad id"}`)).toThrow(ConfigError);
    expect(bedrockPrice("anthropic.claude-haiku-4-5-20251001-v1:0")).toEqual({
      inputPerMTok: 1,
      outputPerMTok: 5,
    });
    expect(bedrockPrice("global.anthropic.claude-sonnet-4-5-20250929-v1:0")).toEqual({
      inputPerMTok: 3,
      outputPerMTok: 15,
    });
    expect(bedrockPrice("meta.llama3-70b-instruct-v1:0")).toBeNull();
    expect(priceOfSpec(`bedrock:${MODEL}`)).toEqual({ inputPerMTok: 0.8, outputPerMTok: 4 });
    expect((await createProvider(`bedrock:${MODEL}`, { env })).provider).toBe("bedrock");
  });
});
