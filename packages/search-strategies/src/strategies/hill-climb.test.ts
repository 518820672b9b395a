import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRng, JsonlRunStore } from "@vlmopt/core";
import { ScriptedLlm } from "@vlmopt/core/testing";
import { SimulatedProvider } from "@vlmopt/llm-providers";
import { afterAll, describe, expect, it } from "vitest";
import { createStrategy } from "../registry.js";
import { runStrategy, transcript } from "../testing/run-strategy.js";

const POOL = { pool: "captions", poolSize: 8 };

describe("hill-climb", () => {
  it("opens with top-k and bottom-k with accuracies, then reports each new score (exact text snapshot)", async () => {
    const replies = [
      "Sure! Here is one:\n- a satellite photo of a {}.",
      "- a photo of a {}.",
      "no template here",
      "- a photo of a {}.",
      "still nothing",
      "- an aerial view of the {}.",
    ];
    const { result, llm } = await runStrategy(
      "hill-climb",
      { ...POOL, iterations: 4, restartAfter: 0 },
      replies,
    );
    const calls = (llm as ScriptedLlm).calls;
    // 4 steps; the third tried maxAttempts = 3 times (junk, a duplicate, junk) and failed.
    expect(calls).toHaveLength(6);
    const opening = calls[0]?.messages[0]?.content ?? "";
    expect(opening).toContain("Here are some prompts that work well, with their accuracy:");
    expect(opening).toContain("Here are some prompts that don't work well, with their accuracy:");
    expect(opening.match(/^- .*\{\}.* \(\d+\.\d\d%\)$/gm)).toHaveLength(6);
    expect(calls[1]?.messages).toHaveLength(3);
    expect(calls[1]?.messages[2]?.content).toMatch(
      /^The performance now (improves to|drops to|stays at) \d+\.\d\d%\./,
    );
    expect(calls[1]?.temperature).toBe(1);
    // A failed step is recorded, not a crash, and the chat says so.
    expect(result.stop.kind).toBe("completed");
    expect(calls[5]?.messages.at(-1)?.content).toMatch(/^I could not find a new template/);
    expect(result.history.filter((h) => h.source === "llm").map((h) => h.template)).toEqual([
      "a satellite photo of a {}.",
      "a photo of a {}.",
      "an aerial view of the {}.",
    ]);
    await expect(transcript(llm)).toMatchFileSnapshot("__snapshots__/hill-climb-pn.txt");
  });

  it("the P variant shows only the top-k", async () => {
    const { llm } = await runStrategy("hill-climb-p", { ...POOL, iterations: 1 }, [
      "- a {} seen from space.",
    ]);
    const opening = (llm as ScriptedLlm).calls[0]?.messages[0]?.content ?? "";
    expect(opening).not.toContain("don't work well");
    expect(opening.match(/^- .* \(\d+\.\d\d%\)$/gm)).toHaveLength(3);
    await expect(transcript(llm)).toMatchFileSnapshot("__snapshots__/hill-climb-p.txt");
  });

  it("restarts a fresh conversation after restartAfter turns without a new best", async () => {
    // Every reply is a template that cannot beat the pool's best (a word the task ignores is unlikely to
    // help), so what matters is the count of messages per request.
    let i = 0;
    const llm = new ScriptedLlm({
      replies: [() => `- ${"zz ".repeat(++i)}{}`],
      whenExhausted: "repeat-last",
    });
    const { result } = await runStrategy("hill-climb", { ...POOL, iterations: 5, restartAfter: 2 }, llm);
    const lengths = llm.calls.map((c) => c.messages.length);
    const bests = result.history.slice(8);
    const poolBest = Math.max(...result.history.slice(0, 8).map((h) => h.trainAccuracy));
    if (bests.every((b) => b.trainAccuracy <= poolBest)) expect(lengths).toEqual([1, 3, 1, 3, 1]);
    else expect(lengths[0]).toBe(1);
  });

  it("keeps the opening message and the last contextTurns exchanges", async () => {
    let i = 0;
    const llm = new ScriptedLlm({ replies: [() => `- template ${++i} of {}`], whenExhausted: "repeat-last" });
    await runStrategy("hill-climb", { ...POOL, iterations: 6, restartAfter: 0, contextTurns: 2 }, llm);
    expect(llm.calls.map((c) => c.messages.length)).toEqual([1, 3, 5, 5, 5, 5]);
    const last = llm.calls[5]?.messages ?? [];
    expect(last[0]?.content).toBe(llm.calls[0]?.messages[0]?.content);
    expect(last[1]?.content).toBe("- template 4 of {}");
  });

  it("stops at the LLM-call budget", async () => {
    const { result } = await runStrategy(
      "hill-climb",
      { ...POOL, iterations: 10 },
      new SimulatedProvider({ seed: 2 }),
      {
        budget: { maxLlmCalls: 3 },
      },
    );
    expect(result.stop).toEqual({ kind: "budget", limit: "maxLlmCalls" });
    expect(result.usage.llmCalls).toBe(3);
  });

  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("re-plays deterministically from a JSONL run log (a resumed run repeats no LLM call)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vlmopt-hc-"));
    dirs.push(dir);
    const first = await runStrategy(
      "hill-climb",
      { ...POOL, iterations: 6, restartAfter: 2 },
      new SimulatedProvider({ seed: 5 }),
      {
        store: new JsonlRunStore(join(dir, "run")),
      },
    );
    let calls = 0;
    const noLlm = new (class extends SimulatedProvider {
      override generate(...args: Parameters<SimulatedProvider["generate"]>) {
        calls++;
        return super.generate(...args);
      }
    })({ seed: 5 });
    const again = await runStrategy("hill-climb", { ...POOL, iterations: 6, restartAfter: 2 }, noLlm, {
      store: new JsonlRunStore(join(dir, "run")),
    });
    expect(calls).toBe(0);
    expect(again.result.replayedCalls).toBe(first.result.usage.llmCalls);
    expect(again.result.history.map((h) => [h.template, h.trainAccuracy])).toEqual(
      first.result.history.map((h) => [h.template, h.trainAccuracy]),
    );
  });
});

describe("hill-climb showImages", () => {
  const task = { datasetName: "t", classNames: ["annual_crop", "forest", "river"] };
  const trainImages = [
    { path: "/train/crop-1.png", label: 0 },
    { path: "/train/forest-1.png", label: 1 },
    { path: "/train/forest-2.png", label: 1 },
    { path: "/train/river-1.png", label: 2 },
  ];
  const scored = (id: number, accuracy: number, trainPerClass: (number | null)[]) => ({
    id,
    template: `t${id} {}.`,
    trainAccuracy: accuracy,
    valAccuracy: null,
    step: 0,
    source: "pool",
    details: { perClass: trainPerClass, confused: [], crossEntropy: 0 },
  });

  it("attaches k labelled training images, the best template's most-confused classes first, others next turn", () => {
    const strategy = createStrategy("hill-climb", { ...POOL, showImages: 3 }, { datasetName: "t" });
    expect(strategy.imagesPerCall).toBe(3);
    const rng = createRng(1);
    const pool = strategy.ask({ step: 0, task, history: [], rng, trainImages });
    expect(pool?.kind).toBe("templates");
    // The best template (0.6) gets forest least right, then crop, then river.
    const history = [scored(0, 0.6, [0.5, 0.2, 0.9]), scored(1, 0.3, [0, 1, 0])];
    strategy.tell({ step: 0, scored: history, replies: [], failed: false, history });
    const first = strategy.ask({ step: 1, task, history, rng, trainImages });
    expect(first?.kind === "llm" ? first.images : null).toEqual([
      { path: "/train/forest-1.png", label: "forest" },
      { path: "/train/crop-1.png", label: "annual crop" },
      { path: "/train/river-1.png", label: "river" },
    ]);
    strategy.tell({ step: 1, scored: [], replies: ["none"], failed: true, history });
    const second = strategy.ask({ step: 2, task, history, rng, trainImages });
    expect(second?.kind === "llm" ? second.images?.[0] : null).toEqual({
      path: "/train/forest-2.png",
      label: "forest",
    });
  });

  it("without showImages a turn shows no image", () => {
    const strategy = createStrategy("hill-climb", POOL, { datasetName: "t" });
    expect(strategy.imagesPerCall).toBe(0);
    const history = [scored(0, 0.6, [0.5, 0.2, 0.9])];
    const rng = createRng(1);
    strategy.ask({ step: 0, task, history: [], rng, trainImages });
    strategy.tell({ step: 0, scored: history, replies: [], failed: false, history });
    const p = strategy.ask({ step: 1, task, history, rng, trainImages });
    expect(p?.kind === "llm" && p.images === undefined).toBe(true);
    expect(strategy.params).not.toHaveProperty("showImages");
  });
});
