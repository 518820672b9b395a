import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AbortError, ConfigError, ProviderApiError } from "@vlmopt/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GoogleProvider, googlePlugin } from "./google-provider.js";
import { runLlmProviderContract } from "./llm-provider-contract.js";
import { withReplyCache } from "./reply-cache.js";
import type { FakeLlmServer } from "./testing/fake-llm-server.js";
import { startGeminiStandIn } from "./testing/gemini-stand-in.js";

const KEY = "AIza-test-PLANTED-KEY-1234567890";
let server: FakeLlmServer;
const delays: number[] = [];
const retry = {
  baseDelayMs: 1,
  maxDelayMs: 5,
  sleep: async (ms: number) => {
    delays.push(ms);
    await new Promise((r) => setTimeout(r, 1));
  },
};
beforeEach(async () => {
  server = await startGeminiStandIn({ requireApiKey: KEY });
  delays.length = 0;
});
afterEach(() => server.close());

const make = (o: Partial<ConstructorParameters<typeof GoogleProvider>[0]> = {}) =>
  new GoogleProvider({
    model: "gemini-2.5-flash",
    env: { GEMINI_API_KEY: KEY },
    baseURL: server.url,
    retry,
    ...o,
  });

runLlmProviderContract("google (Gemini stand-in)", () => make(), { standIn: () => server });

describe("google:<model> against the Gemini stand-in", () => {
  it("maps system prompt, temperature, max tokens, stop sequences and n; usage and cost", async () => {
    server.enqueue({
      type: "text",
      texts: ["- a photo of a {}.", "- a {}."],
      inputTokens: 1000,
      outputTokens: 300,
    });
    const p = make();
    const result = await p.generate({
      system: "be brief",
      messages: [
        { role: "user", content: "hello" },
        { role: "assistant", content: "- a {}." },
        { role: "user", content: "more" },
      ],
      temperature: 0.7,
      maxTokens: 50,
      stopSequences: ["END"],
      n: 2,
    });
    expect(result.texts).toEqual(["- a photo of a {}.", "- a {}."]);
    expect(result.usage).toMatchObject({ inputTokens: 1000, outputTokens: 300, reasoningTokens: 0 });
    expect(p.price).toEqual({ inputPerMTok: 0.3, outputPerMTok: 2.5 });
    expect(result.usage.costUsd).toBeCloseTo((1000 * 0.3 + 300 * 2.5) / 1e6, 12);
    const [req] = server.requests;
    expect(req?.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(req?.headers["x-goog-api-key"]).toBe(KEY);
    expect(req?.body?.systemInstruction).toMatchObject({ parts: [{ text: "be brief" }] });
    expect(req?.body?.contents).toEqual([
      { role: "user", parts: [{ text: "hello" }] },
      { role: "model", parts: [{ text: "- a {}." }] },
      { role: "user", parts: [{ text: "more" }] },
    ]);
    expect(req?.body?.generationConfig).toMatchObject({
      temperature: 0.7,
      maxOutputTokens: 50,
      stopSequences: ["END"],
      candidateCount: 2,
    });
  });

  it("counts thinking tokens as output and prices them apart when the table says so", async () => {
    // a raw reply shaped like Gemini 2.5's, with a thought part and thoughtsTokenCount
    server.enqueue({
      type: "raw",
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        candidates: [
          {
            content: { role: "model", parts: [{ text: "thinking...", thought: true }, { text: "- a {}." }] },
            finishReason: "STOP",
          },
        ],
        usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 10, thoughtsTokenCount: 1000 },
      }),
    });
    const p = make({ model: "gemini-2.5-flash-preview-04-17" });
    const result = await p.generate({ messages: [{ role: "user", content: "hi" }] });
    expect(result.texts).toEqual(["- a {}."]);
    expect(result.usage).toMatchObject({ inputTokens: 100, outputTokens: 1010, reasoningTokens: 1000 });
    expect(result.usage.costUsd).toBeCloseTo((100 * 0.15 + 10 * 0.6 + 1000 * 3.5) / 1e6, 12);
  });

  it("asks for missing candidates one at a time when fewer come back", async () => {
    server.enqueue({ type: "text", texts: ["- one {}."] });
    server.setReply(() => ({ type: "text", texts: ["- more {}."] }));
    const result = await make().generate({ messages: [{ role: "user", content: "hi" }], n: 3 });
    expect(result.texts).toEqual(["- one {}.", "- more {}.", "- more {}."]);
    expect(server.requests).toHaveLength(3);
  });

  it("waits the 429's retry delay (RetryInfo), tags a 400 not retryable, redacts the key on 401", async () => {
    server.enqueue({ type: "error", status: 429 }, { type: "text", texts: ["ok"] });
    expect((await make().generate({ messages: [{ role: "user", content: "hi" }] })).texts).toEqual(["ok"]);
    expect(delays[0]).toBeGreaterThanOrEqual(1000);
    server.enqueue({ type: "error", status: 400, message: "maxOutputTokens too large" });
    const bad = await make()
      .generate({ messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(ProviderApiError.isInstance(bad) && !bad.isRetryable && bad.status === 400).toBe(true);
    expect((bad as Error).message).toMatch(/HTTP 400.*maxOutputTokens too large/);
    const wrong = await make({ env: { GEMINI_API_KEY: "AIza-wrong-key-XYZ" } })
      .generate({ messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect((wrong as ProviderApiError).status).toBe(401);
    expect((wrong as ProviderApiError).hint).toMatch(/GEMINI_API_KEY/);
    expect(
      JSON.stringify({ m: (wrong as Error).message, b: (wrong as ProviderApiError).responseBody }),
    ).not.toContain("AIza-wrong-key-XYZ");
  });

  it("retries a 503 and gives up after maxRetries", async () => {
    server.enqueue(...Array.from({ length: 3 }, () => ({ type: "error" as const, status: 503 })));
    const error = await make({ maxRetries: 2 })
      .generate({ messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/HTTP 503.*gave up after 3 attempts/);
    expect(server.requests).toHaveLength(3);
  });

  it("times out a stalled answer, retries it; aborts with AbortError", async () => {
    server.enqueue({ type: "stall" }, { type: "text", texts: ["late"] });
    expect(
      (await make({ timeoutMs: 200 }).generate({ messages: [{ role: "user", content: "hi" }] })).texts,
    ).toEqual(["late"]);
    server.enqueue({ type: "stall" });
    const controller = new AbortController();
    const pending = make({ timeoutMs: 30_000 })
      .generate({ messages: [{ role: "user", content: "hi" }] }, { signal: controller.signal })
      .catch((e: unknown) => e);
    while (server.requests.length < 3) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    expect(AbortError.isInstance(await pending)).toBe(true);
  });

  it("goes through the reply cache (keyed on the stand-in's URL) and writes no key to it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gemini-cache-"));
    const p = withReplyCache(make(), { dir });
    const req = { messages: [{ role: "user" as const, content: "hi" }] };
    const a = await p.generate(req);
    const b = await p.generate(req);
    expect(b.cached).toBe(true);
    expect(b.texts).toEqual(a.texts);
    expect(server.requests).toHaveLength(1);
    for (const sub of readdirSync(dir))
      for (const f of readdirSync(join(dir, sub)))
        expect(readFileSync(join(dir, sub, f), "utf8")).not.toContain(KEY);
  });

  it("Vertex AI: project and location from the environment, ADC credentials (no key)", async () => {
    const p = new GoogleProvider({
      model: "gemini-2.5-flash",
      env: {
        GOOGLE_GENAI_USE_VERTEXAI: "true",
        GOOGLE_CLOUD_PROJECT: "my-proj",
        GOOGLE_CLOUD_LOCATION: "us-central1",
      },
    });
    expect(p.baseURL).toBe("https://us-central1-aiplatform.googleapis.com");
    expect(() => new GoogleProvider({ model: "m", env: { GOOGLE_GENAI_USE_VERTEXAI: "true" } })).toThrow(
      /GOOGLE_CLOUD_PROJECT is not set/,
    );
  });
});

describe("googlePlugin", () => {
  it("parses, preflights the key (or Vertex AI's project) and prices without a key", () => {
    expect(
      googlePlugin.parse("models/gemini-2.5-pro", "google", `google:${"models/gemini-2.5-pro"}`),
    ).toEqual({ model: "gemini-2.5-pro" });
    expect(() => googlePlugin.parse(" ", "google", `google:${" "}`)).toThrow(ConfigError);
    expect(() => googlePlugin.check?.({ model: "m" }, {})).toThrow(/GEMINI_API_KEY is not set/);
    expect(() => googlePlugin.check?.({ model: "m" }, { GEMINI_API_KEY: "k" })).not.toThrow();
    expect(() => googlePlugin.check?.({ model: "m" }, { GOOGLE_GENAI_USE_VERTEXAI: "1" })).toThrow(
      /GOOGLE_CLOUD_PROJECT/,
    );
    expect(googlePlugin.price?.({ model: "gemini-2.5-pro" })).toEqual({
      inputPerMTok: 1.25,
      outputPerMTok: 10,
    });
    expect(googlePlugin.price?.({ model: "gemini-9" })).toBeNull();
  });
});
