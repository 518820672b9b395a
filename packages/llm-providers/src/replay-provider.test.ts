import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonlRunStore, RunStoreError } from "@vlmopt/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLlmProviderContract } from "./llm-provider-contract.js";
import { ReplayProvider } from "./replay-provider.js";

let dir: string;
const usage = { inputTokens: 10, outputTokens: 5, costUsd: 0.001 };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vlmopt-replay-"));
  const store = new JsonlRunStore(dir);
  const time = new Date(0).toISOString();
  await store.append({ type: "run-start", time, resumed: false });
  // Written out of order: the provider serves them in seq order.
  for (const seq of [1, 0, 2, 3, 4, 5]) {
    await store.append({
      type: "llm-reply",
      time,
      step: seq,
      seq,
      texts: [`- reply ${seq}a {}`, `- reply ${seq}b {}`, `- reply ${seq}c {}`],
      usage,
      cached: false,
      durationMs: 1,
    });
  }
  store.close();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

runLlmProviderContract("replay", () => new ReplayProvider(dir));

describe("ReplayProvider", () => {
  it("serves the recorded replies in seq order, then fails clearly", async () => {
    const p = new ReplayProvider(dir);
    expect(p.warning).toMatch(/recorded replies/);
    const ask = { messages: [{ role: "user" as const, content: "anything" }] };
    for (let seq = 0; seq < 6; seq++) {
      const r = await p.generate(ask);
      expect(r.texts).toEqual([`- reply ${seq}a {}`]);
      expect(r.usage).toEqual(usage);
      expect(r.cached).toBe(true);
    }
    const error = await p.generate(ask).catch((e: unknown) => e);
    expect(RunStoreError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/has 6 recorded LLM replies; call 7 has none/);
  });

  it("refuses a request for more samples than were recorded", async () => {
    const error = await new ReplayProvider(dir)
      .generate({ messages: [{ role: "user", content: "x" }], n: 4 })
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/has 3 samples, the request asks for 4/);
  });

  it("names the missing log", async () => {
    await expect(new ReplayProvider(join(dir, "nope")).generate({ messages: [] })).rejects.toThrow(
      /cannot read/,
    );
  });
});
