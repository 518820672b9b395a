import { createRng, extractTemplates } from "@vlmopt/core";
import { OPENING_PROMPTS } from "@vlmopt/core/testing";
import { describe, expect, it } from "vitest";
import { runLlmProviderContract } from "./llm-provider-contract.js";
import { editTemplate, SIMULATED_VOCABULARY, SimulatedProvider } from "./simulated-provider.js";

runLlmProviderContract("simulated", () => new SimulatedProvider({ seed: 3 }));

const metaPrompt = {
  system: "You are an expert prompt engineer.",
  messages: [
    {
      role: "user" as const,
      content: [
        "Here are some prompt templates with their accuracies:",
        '1. "a photo of a {}." 61.2%',
        "2. a satellite image of the {}. (accuracy: 70.1)",
        "- an aerial view of {} — 68.0",
        "Write 5 new templates, one per line, each starting with '- '.",
      ].join("\n"),
    },
  ],
  n: 2,
};

describe("extractTemplates", () => {
  it("finds quoted and listed templates and strips scores", () => {
    expect(extractTemplates(metaPrompt.messages[0]?.content ?? "")).toEqual([
      "a photo of a {}.",
      "a satellite image of the {}.",
      "an aerial view of {}",
    ]);
  });
});

describe("SimulatedProvider", () => {
  it("answers with n '- ' lists of word-level edits that keep {}", async () => {
    const p = new SimulatedProvider({ seed: 1 });
    expect(p.warning).toMatch(/not an LLM/);
    const result = await p.generate(metaPrompt);
    expect(result.texts).toHaveLength(2);
    for (const text of result.texts) {
      const lines = text.split("\n");
      expect(lines).toHaveLength(5);
      for (const line of lines) {
        expect(line.startsWith("- ")).toBe(true);
        expect(line).toContain("{}");
      }
    }
    expect(result.usage.costUsd).toBe(0);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBe(result.texts.reduce((s, t) => s + Math.ceil(t.length / 4), 0));
  });

  it("edits the templates it was shown, not unrelated ones", async () => {
    const result = await new SimulatedProvider({ seed: 2 }).generate(metaPrompt);
    const shown = ["a photo of a {}.", "a satellite image of the {}.", "an aerial view of {}"].map((t) =>
      t.split(" "),
    );
    for (const line of result.texts.join("\n").split("\n")) {
      const words = line.slice(2).split(" ");
      // one insert, delete or replace: some shown template differs by at most one word-level edit
      const close = shown.some((s) => {
        const common = s.filter((w) => words.includes(w)).length;
        return Math.abs(words.length - s.length) <= 1 && common >= s.length - 1;
      });
      expect(close, line).toBe(true);
    }
  });

  it("is deterministic for a seed and differs across seeds", async () => {
    const a = await new SimulatedProvider({ seed: 5 }).generate(metaPrompt);
    const b = await new SimulatedProvider({ seed: 5 }).generate(metaPrompt);
    const c = await new SimulatedProvider({ seed: 6 }).generate(metaPrompt);
    expect(a.texts).toEqual(b.texts);
    expect(a.texts).not.toEqual(c.texts);
  });

  it("keeps no state: fresh instances and repeated calls with the same callId agree", async () => {
    const a = new SimulatedProvider({ seed: 5 });
    const first = await a.generate(metaPrompt, { callId: "seed=1;seq=3" });
    const again = await a.generate(metaPrompt, { callId: "seed=1;seq=3" });
    const fresh = await new SimulatedProvider({ seed: 5 }).generate(metaPrompt, { callId: "seed=1;seq=3" });
    expect(again.texts).toEqual(first.texts);
    expect(fresh.texts).toEqual(first.texts);
  });

  it("gives a repeated request with another callId fresh candidates (retries, later steps, other seeds)", async () => {
    const ids = ["seed=1;seq=0", "seed=1;seq=1", "seed=2;seq=0"];
    // a fresh instance per call: only the call id tells the calls apart
    const replies = await Promise.all(
      ids.map((callId) => new SimulatedProvider({ seed: 5 }).generate(metaPrompt, { callId })),
    );
    const shared = new SimulatedProvider({ seed: 5 });
    const replies2 = await Promise.all(ids.map((callId) => shared.generate(metaPrompt, { callId })));
    expect(new Set(replies.map((r) => r.texts.join("\n"))).size).toBe(3);
    expect(replies2.map((r) => r.texts)).toEqual(replies.map((r) => r.texts));
  });

  for (const [strategy, { prompt }] of Object.entries(OPENING_PROMPTS)) {
    it(`answers ${strategy}'s real opening prompt with templates, never instructions or scores`, async () => {
      const result = await new SimulatedProvider({ seed: 1 }).generate({
        messages: [{ role: "user", content: prompt }],
        n: 3,
      });
      for (const line of result.texts.join("\n").split("\n")) {
        expect(line.startsWith("- ")).toBe(true);
        expect(line).toContain("{}");
        for (const banned of ["%", "CLIP", "template", "Reply", "Keep"]) expect(line).not.toContain(banned);
      }
    });
  }

  it("starts from defaults when the prompt shows no templates", async () => {
    const result = await new SimulatedProvider().generate({
      messages: [{ role: "user", content: "Write templates." }],
    });
    expect(result.texts[0]?.split("\n").every((l) => l.startsWith("- ") && l.includes("{}"))).toBe(true);
  });

  it("editTemplate keeps {} and uses the vocabulary", () => {
    const rng = createRng(9);
    for (let i = 0; i < 200; i++) {
      const out = editTemplate("a photo of a {}.", rng);
      expect(out).toContain("{}");
      const added = out.split(" ").filter((w) => !"a photo of a {}.".split(" ").includes(w));
      for (const w of added) expect(SIMULATED_VOCABULARY as readonly string[]).toContain(w);
    }
  });
});
