import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canonicalJson, sha256Hex } from "@vlmopt/core";
import { ScriptedLlm } from "@vlmopt/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runLlmProviderContract } from "./llm-provider-contract.js";
import { OpenAIProvider } from "./openai-provider.js";
import { normalizeEndpoint, replyCacheKey, withReplyCache } from "./reply-cache.js";
import { SimulatedProvider } from "./simulated-provider.js";
import { type FakeLlmServer, startFakeLlmServer } from "./testing/fake-llm-server.js";

const PLANTED = "sk-planted-secret-0123456789abcdef";
let dir: string;
let server: FakeLlmServer;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "vlmopt-reply-cache-"));
  server = await startFakeLlmServer({ requireApiKey: PLANTED });
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function allFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

const openai = () =>
  new OpenAIProvider({
    model: "gpt-4o-mini",
    env: { OPENAI_API_KEY: PLANTED },
    baseURL: server.openaiBaseURL,
    retry: { baseDelayMs: 1 },
  });
const ask = (extra: Partial<{ n: number; temperature: number; maxTokens: number; system: string }> = {}) => ({
  messages: [{ role: "user" as const, content: "write templates" }],
  temperature: 1,
  ...extra,
});

runLlmProviderContract("reply cache over simulated", () =>
  withReplyCache(new SimulatedProvider({ seed: 1 }), { dir }),
);

describe("withReplyCache", () => {
  it("serves a repeated call from disk with the recorded usage and cached: true", async () => {
    const cached = withReplyCache(openai(), { dir });
    const first = await cached.generate(ask({ n: 2 }));
    expect(first.cached).toBeUndefined();
    expect(server.requests).toHaveLength(1);
    const again = await cached.generate(ask({ n: 2 }));
    expect(server.requests).toHaveLength(1);
    expect(again.cached).toBe(true);
    expect(again.texts).toEqual(first.texts);
    expect(again.usage.inputTokens).toBe(first.usage.inputTokens);
    expect(again.usage.outputTokens).toBeGreaterThan(0);
  });

  it("asks only for the samples it lacks (n=3 after n=2)", async () => {
    const cached = withReplyCache(openai(), { dir });
    const two = await cached.generate(ask({ n: 2 }));
    const three = await cached.generate(ask({ n: 3 }));
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.body?.n).toBeUndefined(); // one sample → no n sent
    expect(three.texts.slice(0, 2)).toEqual(two.texts);
    expect(three.cached).toBeUndefined();
    expect((await cached.generate(ask({ n: 3 }))).cached).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it("keys on temperature, max tokens, system prompt and messages", async () => {
    const cached = withReplyCache(openai(), { dir });
    await cached.generate(ask());
    await cached.generate(ask({ temperature: 0.5 }));
    await cached.generate(ask({ maxTokens: 10 }));
    await cached.generate(ask({ system: "s" }));
    await cached.generate({ ...ask(), messages: [{ role: "user", content: "other" }] });
    expect(server.requests).toHaveLength(5);
    const base = { messages: [{ role: "user" as const, content: "x" }] };
    expect(replyCacheKey({ provider: "openai", model: "m" }, base, 0)).not.toBe(
      replyCacheKey({ provider: "openai", model: "m" }, base, 1),
    );
    expect(replyCacheKey({ provider: "openai", model: "m" }, base, 0)).not.toBe(
      replyCacheKey({ provider: "anthropic", model: "m" }, base, 0),
    );
    expect(replyCacheKey({ provider: "openai", model: "m" }, base, 0)).not.toBe(
      replyCacheKey({ provider: "openai", model: "m2" }, base, 0),
    );
  });

  it("keys on the call id: a repeated request at another call or seed is fresh, a resumed call is a hit", async () => {
    const cached = withReplyCache(openai(), { dir });
    // APE sends the identical request every step and for every seed; hill-climb-code retries it
    const ids = ["seed=1;seq=0", "seed=1;seq=1", "seed=2;seq=0"];
    const first = [];
    for (const callId of ids) first.push(await cached.generate(ask({ n: 2 }), { callId }));
    expect(server.requests).toHaveLength(3);
    expect(first.every((r) => r.cached === undefined)).toBe(true);
    // a resumed or re-run run sends the same call ids: served from disk by a new wrapper, unpaid
    const resumed = withReplyCache(openai(), { dir });
    for (const [i, callId] of ids.entries()) {
      const again = await resumed.generate(ask({ n: 2 }), { callId });
      expect(again.cached).toBe(true);
      expect(again.texts).toEqual(first[i]?.texts);
    }
    expect(server.requests).toHaveLength(3);
  });

  it("without a call id keeps the key it had before call ids existed (identical requests share replies)", () => {
    const base = { messages: [{ role: "user" as const, content: "x" }], temperature: 1 };
    const plain = replyCacheKey({ provider: "openai", model: "m" }, base, 0);
    expect(replyCacheKey({ provider: "openai", model: "m" }, base, 0, undefined)).toBe(plain);
    expect(replyCacheKey({ provider: "openai", model: "m" }, base, 0, "seed=1;seq=0")).not.toBe(plain);
    expect(replyCacheKey({ provider: "openai", model: "m" }, base, 0, "seed=1;seq=0")).not.toBe(
      replyCacheKey({ provider: "openai", model: "m" }, base, 0, "seed=1;seq=1"),
    );
    // the pre-call-id key, pinned: caches written before call ids stay valid
    expect(plain).toBe(
      sha256Hex(
        canonicalJson({
          v: 1,
          provider: "openai",
          model: "m",
          system: null,
          messages: [{ role: "user", content: "x" }],
          temperature: 1,
          maxTokens: null,
          sample: 0,
        }),
      ),
    );
  });

  it("never writes the API key: every file in the cache directory is free of it", async () => {
    const cached = withReplyCache(openai(), { dir });
    await cached.generate(ask({ n: 3 }));
    await cached.generate(ask({ n: 1 }), { callId: "seed=1;seq=0" });
    const files = await allFiles(dir);
    expect(files.length).toBe(4);
    for (const f of files) {
      const text = await readFile(f, "utf8");
      expect(text).not.toContain(PLANTED);
      expect(text).not.toContain(PLANTED.slice(3, 20));
    }
    expect(files.every((f) => !f.endsWith(".tmp"))).toBe(true);
  });

  it("keys on the endpoint: a second server with the same model name gets its own requests", async () => {
    const other = await startFakeLlmServer({ requireApiKey: PLANTED });
    try {
      const at = (baseURL: string) =>
        withReplyCache(
          new OpenAIProvider({
            model: "qwen2.5",
            flavor: "openai-compatible",
            apiKey: PLANTED,
            baseURL,
            price: null,
            retry: { baseDelayMs: 1 },
          }),
          { dir },
        );
      const first = await at(server.openaiBaseURL).generate(ask(), { callId: "seed=1;seq=0" });
      expect(server.requests).toHaveLength(1);
      const second = await at(other.openaiBaseURL).generate(ask(), { callId: "seed=1;seq=0" });
      expect(other.requests).toHaveLength(1);
      expect(second.cached).toBeUndefined();
      // the same server written another way is the same endpoint: a hit
      const again = await at(`${server.openaiBaseURL.replace("http://", "HTTP://")}/`).generate(ask(), {
        callId: "seed=1;seq=0",
      });
      expect(again.cached).toBe(true);
      expect(again.texts).toEqual(first.texts);
      expect(server.requests).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it("normalises endpoints (case, default port, trailing slash, credentials) and keys on them", () => {
    expect(normalizeEndpoint("HTTP://User:pw@LocalHost:80/v1/")).toBe("http://localhost/v1");
    expect(normalizeEndpoint("http://127.0.0.1:8080/v1")).toBe("http://127.0.0.1:8080/v1");
    const base = { messages: [{ role: "user" as const, content: "x" }] };
    const key = (endpoint: string) =>
      replyCacheKey({ provider: "openai-compatible", model: "m", endpoint }, base, 0, "seed=1;seq=0");
    expect(key("http://127.0.0.1:11434/v1")).not.toBe(key("http://127.0.0.1:8000/v1"));
    expect(key("http://127.0.0.1:11434/v1/")).toBe(key("http://127.0.0.1:11434/v1"));
    expect(key("http://127.0.0.1:11434/v1")).not.toBe(
      replyCacheKey({ provider: "openai-compatible", model: "m" }, base, 0, "seed=1;seq=0"),
    );
  });

  it("reports unknown cost as null from the cache too", async () => {
    const inner = new ScriptedLlm({ replies: ["- a {}."], price: null });
    const cached = withReplyCache(inner, { dir });
    expect((await cached.generate(ask())).usage.costUsd).toBeNull();
    const hit = await cached.generate(ask());
    expect(hit.cached).toBe(true);
    expect(hit.usage.costUsd).toBeNull();
    expect(inner.calls).toHaveLength(1);
  });
});
