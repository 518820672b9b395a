import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ModelLoadError } from "@vlmopt/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LlamaCppProvider, templateListGrammar } from "./llama-cpp-provider.js";
import { runLlmProviderContract } from "./llm-provider-contract.js";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const MODEL = resolve(repoRoot, "../shared/models/llm/stories260K/stories260K.gguf");

/** Why node-llama-cpp cannot run here, or null when it can (checked once, before the suite). */
async function unavailableReason(): Promise<string | null> {
  if (!existsSync(MODEL)) return `${MODEL} is absent`;
  try {
    const { getLlama } = await import("node-llama-cpp");
    const llama = await getLlama({ gpu: false, build: "never", progressLogs: false });
    await llama.dispose();
    return null;
  } catch (error) {
    return `node-llama-cpp cannot load here: ${(error as Error).message}`;
  }
}

const reason = await unavailableReason();
if (reason) console.warn(`skipping llama-cpp provider tests: ${reason}`);

describe("templateListGrammar", () => {
  it("asks for the given number of '- ' lines containing {}", () => {
    const g = templateListGrammar(3);
    expect(g).toMatch(/^root ::= line line line$/m);
    expect(g).toContain('"{}"');
  });
});

describe.skipIf(reason !== null)("LlamaCppProvider on the real tiny GGUF (stories260K)", () => {
  const providers: LlamaCppProvider[] = [];
  const make = () => {
    const p = new LlamaCppProvider({ modelPath: MODEL, seed: 1, templatesPerReply: 3 });
    providers.push(p);
    return p;
  };
  afterAll(async () => {
    for (const p of providers) await p.dispose();
  });

  runLlmProviderContract("llama-cpp", make, { maxN: 2, cleanup: (p) => (p as LlamaCppProvider).dispose() });

  let shared: LlamaCppProvider;
  beforeAll(() => {
    shared = make();
  });

  it("uses 1 thread on machines with ≤ 2 cores, and is free", async () => {
    const { availableParallelism } = await import("node:os");
    if (availableParallelism() <= 2) expect(shared.threads).toBe(1);
    expect(shared.price).toEqual({ inputPerMTok: 0, outputPerMTok: 0 });
  });

  it("answers a meta-prompt with '- ' lines that contain {} (format only; the model is not instruction-tuned)", async () => {
    const result = await shared.generate({
      system: "You write CLIP prompt templates.",
      messages: [
        { role: "user", content: 'Templates so far:\n- "a photo of a {}." 61.0\nWrite 3 better ones.' },
      ],
      temperature: 0.8,
      maxTokens: 120,
      n: 2,
    });
    expect(result.texts).toHaveLength(2);
    for (const text of result.texts) {
      const lines = text.split("\n");
      expect(lines).toHaveLength(3);
      for (const line of lines) expect(line).toMatch(/^- .*\{\}/);
    }
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.usage.costUsd).toBe(0);
  });

  it("is reproducible for a seed", async () => {
    const ask = { messages: [{ role: "user" as const, content: "Write templates." }], maxTokens: 80 };
    const a = await make().generate(ask);
    const b = await make().generate(ask);
    expect(a.texts).toEqual(b.texts);
  });

  it("samples a call by its callId, so a resumed run's re-sent call matches", async () => {
    const ask = { messages: [{ role: "user" as const, content: "Write templates." }], maxTokens: 80 };
    const first = make();
    await first.generate(ask, { callId: "seed=1;seq=0" });
    const later = await first.generate(ask, { callId: "seed=1;seq=1" });
    // a fresh instance (a resumed process) asked only for call 1 samples the same text
    const resumed = await make().generate(ask, { callId: "seed=1;seq=1" });
    expect(resumed.texts).toEqual(later.texts);
  });
});

describe("LlamaCppProvider errors", () => {
  it.skipIf(reason !== null)("names a missing model file", async () => {
    const p = new LlamaCppProvider({ modelPath: "/nonexistent/model.gguf" });
    const error = await p.generate({ messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(ModelLoadError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("/nonexistent/model.gguf");
  });
});
