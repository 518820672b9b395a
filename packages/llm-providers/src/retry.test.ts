import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AbortError, ProviderApiError } from "@vlmopt/core";
import { describe, expect, it } from "vitest";
import { OpenAIProvider } from "./openai-provider.js";
import { withReplyCache } from "./reply-cache.js";
import { parseRetryAfter, retryDelayMs, withRetries } from "./retry.js";
import { startFakeLlmServer } from "./testing/fake-llm-server.js";

describe("parseRetryAfter", () => {
  it("reads seconds, HTTP dates and retry-after-ms", () => {
    expect(parseRetryAfter("3")).toBe(3);
    expect(parseRetryAfter("1.5")).toBe(1.5);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", undefined, now)).toBe(10);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", undefined, now)).toBe(0);
    expect(parseRetryAfter("3", "250")).toBe(0.25);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});

describe("retryDelayMs", () => {
  it("doubles with jitter between half and all of the step, capped, and honours Retry-After", () => {
    expect(retryDelayMs(1, undefined, { baseDelayMs: 100, random: () => 0 })).toBe(50);
    expect(retryDelayMs(1, undefined, { baseDelayMs: 100, random: () => 0.999999 })).toBeCloseTo(100, 3);
    expect(retryDelayMs(3, undefined, { baseDelayMs: 100, random: () => 0 })).toBe(200);
    expect(retryDelayMs(20, undefined, { baseDelayMs: 100, maxDelayMs: 1000, random: () => 1 })).toBe(1000);
    expect(retryDelayMs(1, 7, { baseDelayMs: 100 })).toBe(7000);
  });
});

const retryable = (status: number, retryAfterSeconds?: number) =>
  new ProviderApiError(`HTTP ${status}`, {
    status,
    provider: "test",
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });

describe("withRetries", () => {
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };

  it("retries retryable errors and returns the first success", async () => {
    waits.length = 0;
    let calls = 0;
    const value = await withRetries(
      async () => {
        calls++;
        if (calls === 1) throw retryable(429, 2);
        if (calls === 2) throw retryable(500);
        return "ok";
      },
      { sleep, baseDelayMs: 10 },
    );
    expect(value).toBe("ok");
    expect(calls).toBe(3);
    expect(waits[0]).toBe(2000);
    expect(waits).toHaveLength(2);
  });

  it("does not retry a non-retryable error or a plain Error", async () => {
    let calls = 0;
    const fail = (e: Error) => () => {
      calls++;
      return Promise.reject(e);
    };
    await expect(withRetries(fail(retryable(400)), { sleep })).rejects.toThrow("HTTP 400");
    await expect(withRetries(fail(new Error("bug")), { sleep })).rejects.toThrow("bug");
    expect(calls).toBe(2);
  });

  it("gives up after maxRetries", async () => {
    let calls = 0;
    const error = await withRetries(
      () => {
        calls++;
        return Promise.reject(retryable(503));
      },
      { sleep, maxRetries: 3 },
    ).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect(ProviderApiError.isInstance(error) && error.status).toBe(503);
    expect((error as Error).message).toMatch(/gave up after 4 attempts/);
  });

  it("refuses a Retry-After longer than allowed", async () => {
    const error = await withRetries(() => Promise.reject(retryable(429, 3600)), {
      sleep,
      maxRetryAfterMs: 60_000,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/asked to wait 3600 s/);
  });

  it("stops with AbortError when aborted during the backoff", async () => {
    const controller = new AbortController();
    const reason = new Error("user pressed Ctrl-C");
    let calls = 0;
    const error = await withRetries(
      () => {
        calls++;
        setTimeout(() => controller.abort(reason), 5);
        return Promise.reject(retryable(500));
      },
      { signal: controller.signal, baseDelayMs: 60_000 },
    ).catch((e: unknown) => e);
    expect(AbortError.isInstance(error)).toBe(true);
    expect((error as Error).cause).toBe(reason);
    expect(calls).toBe(1);
  });

  it("does not start the wait on a signal aborted just before it (onRetry aborts)", async () => {
    const controller = new AbortController();
    const reason = new Error("stopped before the backoff");
    let calls = 0;
    const error = await withRetries(
      () => {
        calls++;
        return Promise.reject(retryable(503));
      },
      { signal: controller.signal, baseDelayMs: 60_000, onRetry: () => controller.abort(reason) },
    ).catch((e: unknown) => e);
    expect(AbortError.isInstance(error)).toBe(true);
    expect((error as Error).cause).toBe(reason);
    expect(calls).toBe(1);
  });
});

describe("the onRetry hook of generate()", () => {
  it("tells each retry of an HTTP provider (through the reply cache too): retry i of n, the wait, the reason", async () => {
    const server = await startFakeLlmServer({
      replies: [
        { type: "error", status: 429, message: "slow down" },
        { type: "error", status: 503 },
      ],
    });
    try {
      const llm = withReplyCache(
        new OpenAIProvider({
          model: "m",
          flavor: "openai-compatible",
          baseURL: server.openaiBaseURL,
          maxRetries: 3,
          retry: { baseDelayMs: 1, random: () => 0 },
        }),
        { dir: await mkdtemp(join(tmpdir(), "vlmopt-retry-hook-")) },
      );
      const seen: unknown[] = [];
      const reply = await llm.generate(
        { messages: [{ role: "user", content: "hi" }] },
        { onRetry: (info) => void seen.push(info) },
      );
      expect(reply.texts).toHaveLength(1);
      expect(seen).toEqual([
        { retry: 1, maxRetries: 3, delayMs: 0.5, reason: "HTTP 429", status: 429 },
        { retry: 2, maxRetries: 3, delayMs: 1, reason: "HTTP 503", status: 503 },
      ]);
      expect(server.requests).toHaveLength(3);
    } finally {
      await server.close();
    }
  });
});
