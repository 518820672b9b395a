import type { ScriptedLlm } from "@vlmopt/core/testing";
import { SimulatedProvider } from "@vlmopt/llm-providers";
import { describe, expect, it } from "vitest";
import { runStrategy, transcript } from "../testing/run-strategy.js";

const POOL = { pool: "captions", poolSize: 8 };

describe("hill-climb-code", () => {
  it("sends the released code's kind of message: top-3 good, bottom-3 bad (worst first), no scores", async () => {
    const replies = ["junk", "more junk", "- a satellite photo of {}.", "- a {} from above."];
    const { result, llm } = await runStrategy("hill-climb-code", { ...POOL, iterations: 2 }, replies);
    const calls = (llm as ScriptedLlm).calls;
    expect(calls).toHaveLength(4); // step 1 needed 3 attempts (of up to 15)
    const text = calls[0]?.messages[0]?.content ?? "";
    expect(text.startsWith("I am looking for prompt templates for CLIP image classification.")).toBe(true);
    expect(text.trimEnd().endsWith("- Put the template on its own line, starting with '- '.")).toBe(true);
    expect(text).not.toMatch(/%/);
    const pool = result.history.filter((h) => h.source === "pool");
    const sorted = pool.slice().sort((a, b) => b.trainAccuracy - a.trainAccuracy || a.id - b.id);
    expect(text).toContain(
      `Templates that work well:\n${sorted
        .slice(0, 3)
        .map((s) => s.template)
        .join("\n")}\n`,
    );
    expect(text).toContain(sorted[sorted.length - 1]?.template ?? "?");
    expect(result.history.filter((h) => h.source === "llm")).toHaveLength(2);
    await expect(transcript(llm)).toMatchFileSnapshot("__snapshots__/hill-climb-code.txt");
  });

  it("allows 15 attempts, then records a failed step", async () => {
    const { result, llm } = await runStrategy("hill-climb-code", { ...POOL, iterations: 1 }, [
      "nothing useful",
    ]);
    expect((llm as ScriptedLlm).calls).toHaveLength(15);
    // no reply gave a template: the run says so instead of "completed"
    expect(result.stop).toEqual({ kind: "no-usable-template", llmCalls: 15 });
    expect(result.history).toHaveLength(8);
  });
});

describe("opro", () => {
  it("shows the best k in ascending order with scores and takes n samples per call", async () => {
    const { result, llm } = await runStrategy("opro", { ...POOL, iterations: 1, k: 5 }, [
      ["- a {} one.", "- a {} two.", "- a {} one.", "junk"],
    ]);
    const call = (llm as ScriptedLlm).calls[0];
    expect(call?.n).toBe(4);
    const scores = [...(call?.messages[0]?.content ?? "").matchAll(/score:\n(\d+\.\d)/g)].map((m) =>
      Number(m[1]),
    );
    expect(scores).toHaveLength(5);
    expect(scores).toEqual(scores.slice().sort((a, b) => a - b));
    expect(result.history.filter((h) => h.source === "llm").map((h) => h.template)).toEqual([
      "a {} one.",
      "a {} two.",
    ]);
    await expect(transcript(llm)).toMatchFileSnapshot("__snapshots__/opro.txt");
  });
});

describe("ape and ape-iterative", () => {
  it("ape generates from the task description and class names, without a pool", async () => {
    const { result, llm } = await runStrategy("ape", { iterations: 2, templatesPerCall: 2 }, [
      "- a satellite image of {}.\n- an aerial photo of the {}.",
      "- a {} seen from a plane.\n- a satellite image of {}.",
    ]);
    const text = (llm as ScriptedLlm).calls[0]?.messages[0]?.content ?? "";
    expect(text).toContain("Synthetic aerial scenes whose wording effects are hidden.");
    expect(text).toMatch(/Here are some of the classes: (\w+, ){9}\w+\./);
    expect(result.history.map((h) => h.template)).toEqual([
      "a satellite image of {}.",
      "an aerial photo of the {}.",
      "a {} seen from a plane.",
    ]);
    await expect(transcript(llm)).toMatchFileSnapshot("__snapshots__/ape.txt");
  });

  it("ape-iterative asks for variations of the top-k in turn", async () => {
    const { llm } = await runStrategy(
      "ape-iterative",
      { iterations: 4, templatesPerCall: 3, k: 2 },
      new SimulatedProvider({ seed: 1 }),
    );
    expect(llm).toBeInstanceOf(SimulatedProvider);
    const { llm: scripted } = await runStrategy(
      "ape-iterative",
      { iterations: 3, templatesPerCall: 2, k: 2 },
      ["- a photo of {}.\n- a blurry photo of {}.", "- a clear photo of {}.", "- a sharp photo of {}."],
    );
    const calls = (scripted as ScriptedLlm).calls;
    expect(calls[0]?.messages[0]?.content).toMatch(/^I want to use CLIP for image classification/);
    expect(calls[1]?.messages[0]?.content).toMatch(
      /^Generate 2 variations of the following prompt template while keeping its meaning/,
    );
    const inputs = calls.slice(1).map((c) => /Input: (.*)/.exec(c.messages[0]?.content ?? "")?.[1]);
    expect(new Set(inputs).size).toBe(2);
    await expect(transcript(scripted)).toMatchFileSnapshot("__snapshots__/ape-iterative.txt");
  });
});

describe("random", () => {
  it("shows the LLM random scored templates without scores", async () => {
    const { result, llm } = await runStrategy("random", { ...POOL, iterations: 2 }, [
      "- a {} at random.",
      "- a {} again.",
    ]);
    const text = (llm as ScriptedLlm).calls[0]?.messages[0]?.content ?? "";
    expect(text).not.toMatch(/%|score|accuracy/i);
    expect(text.match(/^- .*\{\}/gm)).toHaveLength(3); // k = 3 examples
    expect(result.history).toHaveLength(10);
    await expect(transcript(llm)).toMatchFileSnapshot("__snapshots__/random.txt");
  });

  it("pool mode scores random unscored pool templates without any LLM call", async () => {
    const { result, llm } = await runStrategy(
      "random",
      { mode: "pool", iterations: 3, templatesPerCall: 4 },
      [],
    );
    expect((llm as ScriptedLlm).calls).toHaveLength(0);
    expect(result.history).toHaveLength(12);
    expect(new Set(result.history.map((h) => h.template)).size).toBe(12);
  });
});
