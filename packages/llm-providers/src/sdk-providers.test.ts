import { AbortError, type LlmProvider, ProviderApiError } from "@vlmopt/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AnthropicProvider } from "./anthropic-provider.js";
import { runLlmProviderContract } from "./llm-provider-contract.js";
import { OpenAIProvider } from "./openai-provider.js";
import { type FakeLlmServer, startFakeLlmServer } from "./testing/fake-llm-server.js";

const KEY = "sk-test-PLANTED-KEY-1234567890";
let server: FakeLlmServer;
const delays: number[] = [];
const retry = {
  baseDelayMs: 1,
  maxDelayMs: 5,
  // Records the computed delay and waits a tick, so that Retry-After: 1 costs no real second.
  sleep: async (ms: number) => {
    delays.push(ms);
    await new Promise((r) => setTimeout(r, 1));
  },
};

// A fresh server per test, so that a failing test cannot leave scripted replies to the next.
beforeEach(async () => {
  server = await startFakeLlmServer({ requireApiKey: KEY });
  delays.length = 0;
});
afterEach(() => server.close());

type Make = (o?: { maxRetries?: number; timeoutMs?: number; concurrency?: number }) => LlmProvider;

const kinds: { name: string; protocol: "anthropic" | "openai"; make: Make }[] = [
  {
    name: "anthropic",
    protocol: "anthropic",
    make: (o = {}) =>
      new AnthropicProvider({
        model: "claude-haiku-4-5",
        env: { ANTHROPIC_API_KEY: KEY },
        baseURL: server.url,
        retry,
        ...o,
      }),
  },
  {
    name: "openai",
    protocol: "openai",
    make: (o = {}) =>
      new OpenAIProvider({
        model: "gpt-4o-mini",
        env: { OPENAI_API_KEY: KEY },
        baseURL: server.openaiBaseURL,
        retry,
        ...o,
      }),
  },
];

for (const kind of kinds) {
  runLlmProviderContract(kind.name, () => kind.make());

  describe(`${kind.name} provider against the fake server`, () => {
    it("sends the key, the system prompt and the messages, and reports usage and cost", async () => {
      server.enqueue({ type: "text", texts: ["- a photo of a {}."], inputTokens: 1000, outputTokens: 2000 });
      const p = kind.make();
      const result = await p.generate({
        system: "be brief",
        messages: [{ role: "user", content: "hello" }],
        temperature: 0.7,
        maxTokens: 50,
      });
      expect(result.texts).toEqual(["- a photo of a {}."]);
      expect(result.usage.inputTokens).toBe(1000);
      expect(result.usage.outputTokens).toBe(2000);
      expect(p.price).not.toBeNull();
      const price = p.price as { inputPerMTok: number; outputPerMTok: number };
      expect(result.usage.costUsd).toBeCloseTo(
        (1000 * price.inputPerMTok + 2000 * price.outputPerMTok) / 1e6,
        12,
      );
      const [req] = server.requests;
      expect(req?.protocol).toBe(kind.protocol);
      expect(req?.apiKey).toBe(KEY);
      const body = req?.body ?? {};
      expect(body.temperature).toBe(0.7);
      if (kind.protocol === "anthropic") {
        // @anthropic-ai/sdk 1.x sends the key as a Bearer token (older versions used x-api-key).
        expect([req?.headers["x-api-key"], req?.headers.authorization]).toContain(
          req?.headers["x-api-key"] ? KEY : `Bearer ${KEY}`,
        );
        expect(req?.headers["anthropic-version"]).toBeTruthy();
        expect(body.system).toBe("be brief");
        expect(body.max_tokens).toBe(50);
        expect(body.messages).toEqual([{ role: "user", content: "hello" }]);
      } else {
        expect(req?.headers.authorization).toBe(`Bearer ${KEY}`);
        expect(body.max_completion_tokens).toBe(50);
        expect(body.messages).toEqual([
          { role: "system", content: "be brief" },
          { role: "user", content: "hello" },
        ]);
      }
    });

    it("retries a 429 after the Retry-After it was given, then succeeds", async () => {
      server.enqueue(
        { type: "error", status: 429, headers: { "retry-after": "1" } },
        { type: "text", texts: ["ok"] },
      );
      const result = await kind.make().generate({ messages: [{ role: "user", content: "hi" }] });
      expect(result.texts).toEqual(["ok"]);
      expect(server.requests).toHaveLength(2);
      expect(delays).toHaveLength(1);
      expect(delays[0]).toBeGreaterThanOrEqual(1000);
    });

    it("retries a 500, then succeeds", async () => {
      server.enqueue({ type: "error", status: 500 }, { type: "text", texts: ["ok"] });
      const result = await kind.make().generate({ messages: [{ role: "user", content: "hi" }] });
      expect(result.texts).toEqual(["ok"]);
      expect(server.requests).toHaveLength(2);
    });

    it("gives up after maxRetries with a ProviderApiError", async () => {
      server.enqueue(...Array.from({ length: 5 }, () => ({ type: "error" as const, status: 503 })));
      const error = await kind
        .make({ maxRetries: 2 })
        .generate({ messages: [{ role: "user", content: "hi" }] })
        .catch((e: unknown) => e);
      expect(ProviderApiError.isInstance(error)).toBe(true);
      const e = error as ProviderApiError;
      expect(e.status).toBe(503);
      expect(e.provider).toBe(kind.name);
      expect(e.message).toMatch(/HTTP 503/);
      expect(e.message).toMatch(/gave up after 3 attempts/);
      expect(e.message).not.toContain(KEY);
      expect(server.requests).toHaveLength(3);
    });

    it("does not retry a 400 and names the status", async () => {
      server.enqueue({ type: "error", status: 400, message: "max_tokens too large" });
      const error = await kind
        .make()
        .generate({ messages: [{ role: "user", content: "hi" }] })
        .catch((e: unknown) => e);
      expect(ProviderApiError.isInstance(error)).toBe(true);
      expect((error as ProviderApiError).isRetryable).toBe(false);
      expect((error as ProviderApiError).message).toMatch(/HTTP 400.*max_tokens too large/);
      expect(server.requests).toHaveLength(1);
    });

    it("reports a 401 without leaking the key it sent", async () => {
      const p =
        kind.protocol === "anthropic"
          ? new AnthropicProvider({ model: "m", apiKey: "sk-wrong-key-XYZ", baseURL: server.url, retry })
          : new OpenAIProvider({
              model: "m",
              apiKey: "sk-wrong-key-XYZ",
              baseURL: server.openaiBaseURL,
              retry,
            });
      const error = await p
        .generate({ messages: [{ role: "user", content: "hi" }] })
        .catch((e: unknown) => e);
      expect(ProviderApiError.isInstance(error)).toBe(true);
      expect((error as ProviderApiError).status).toBe(401);
      expect((error as ProviderApiError).hint).toMatch(/API key/);
      expect(
        JSON.stringify({ m: (error as Error).message, h: (error as ProviderApiError).hint }),
      ).not.toContain("sk-wrong-key-XYZ");
    });

    it("fails clearly on a malformed JSON body", async () => {
      server.enqueue({ type: "raw", status: 200, body: '{"id": "x", "content": [' });
      const error = await kind
        .make({ maxRetries: 0 })
        .generate({ messages: [{ role: "user", content: "hi" }] })
        .catch((e: unknown) => e);
      expect(ProviderApiError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/not valid JSON/);
      expect(server.requests).toHaveLength(1);
    });

    it("times out a stalled response and retries it", async () => {
      server.enqueue({ type: "stall" }, { type: "text", texts: ["late but ok"] });
      const result = await kind
        .make({ timeoutMs: 200 })
        .generate({ messages: [{ role: "user", content: "hi" }] });
      expect(result.texts).toEqual(["late but ok"]);
      expect(server.requests).toHaveLength(2);
    });

    it("reports a timeout once retries are exhausted", async () => {
      server.enqueue({ type: "stall" });
      const error = await kind
        .make({ timeoutMs: 200, maxRetries: 0 })
        .generate({ messages: [{ role: "user", content: "hi" }] })
        .catch((e: unknown) => e);
      expect(ProviderApiError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/timed out after 200 ms/);
    });

    it("aborts an in-flight request with AbortError, without retrying", async () => {
      server.enqueue({ type: "stall" });
      const controller = new AbortController();
      const pending = kind
        .make({ timeoutMs: 30_000 })
        .generate({ messages: [{ role: "user", content: "hi" }] }, { signal: controller.signal })
        .catch((e: unknown) => e);
      while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
      controller.abort();
      const error = await pending;
      expect(AbortError.isInstance(error)).toBe(true);
      expect(server.requests).toHaveLength(1);
    });

    it("returns n samples", async () => {
      const result = await kind
        .make({ concurrency: 2 })
        .generate({ messages: [{ role: "user", content: "hi" }], n: 3 });
      expect(result.texts).toHaveLength(3);
      // Anthropic has no n: three requests; OpenAI: one request with n=3.
      expect(server.requests).toHaveLength(kind.protocol === "anthropic" ? 3 : 1);
      if (kind.protocol === "openai") expect(server.requests[0]?.body?.n).toBe(3);
    });
  });
}

describe("openai-compatible servers that ignore n", () => {
  it("asks for the missing samples one at a time", async () => {
    const lone = await startFakeLlmServer({ ignoreN: true });
    try {
      const p = new OpenAIProvider({
        model: "qwen",
        baseURL: lone.openaiBaseURL,
        flavor: "openai-compatible",
        retry,
      });
      expect(p.provider).toBe("openai-compatible");
      expect(p.price).toBeNull();
      const result = await p.generate({ messages: [{ role: "user", content: "hi" }], n: 3, maxTokens: 64 });
      expect(result.texts).toHaveLength(3);
      expect(result.usage.costUsd).toBeNull();
      expect(lone.requests).toHaveLength(3);
      expect(lone.requests[0]?.body?.n).toBe(3);
      expect(lone.requests[0]?.body?.max_tokens).toBe(64);
      expect(lone.requests[1]?.body?.n).toBeUndefined();
      expect(lone.requests[0]?.apiKey).toBe("no-key");
    } finally {
      await lone.close();
    }
  });
});
