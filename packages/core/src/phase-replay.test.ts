import { describe, expect, it } from "vitest";
import { RunStoreError } from "./errors.js";
import { MemoryRunStore } from "./memory-run-store.js";
import { openReplay, replayOf } from "./phase-replay.js";
import type { RunEvent } from "./run-events.js";
import type { RunManifest } from "./run-manifest.js";

const time = "2026-01-01T00:00:00.000Z";
const usage = { inputTokens: 3, outputTokens: 4, costUsd: null };
const events: RunEvent[] = [
  { type: "step-start", time, step: 0 },
  {
    type: "candidate-scored",
    time,
    step: 0,
    candidate: {
      id: 0,
      template: "A photo of {}.",
      trainAccuracy: 0.5,
      valAccuracy: null,
      step: 0,
      source: "pool",
    },
  },
  { type: "step-end", time, step: 0, failed: false, bestTrainAccuracy: 0.5 },
  { type: "step-start", time, step: 1 },
  { type: "llm-request", time, step: 1, seq: 0, attempt: 1, requestHash: "h0", request: { messages: [] } },
  { type: "llm-reply", time, step: 1, seq: 0, texts: ["x"], usage, cached: false, durationMs: 1 },
  { type: "llm-parsed", time, step: 1, seq: 0, templates: [] },
];

function manifest(seed: number): RunManifest {
  return {
    manifestVersion: 1,
    runId: "r",
    createdAt: time,
    versions: {},
    model: { id: "m", hash: "mh" },
    llm: { provider: "p", modelId: "x" },
    dataset: { name: "d", counts: { train: 1, val: 0, test: 0 } },
    strategy: { name: "s", params: {} },
    budget: {},
    seed,
  };
}

describe("replay phase", () => {
  it("knows which steps, parses, scores and replies the log holds", () => {
    const replay = replayOf(events, "memory:run");
    expect([replay.hasStepStart(0), replay.hasStepStart(1), replay.hasStepStart(2)]).toEqual([
      true,
      true,
      false,
    ]);
    expect([replay.hasStepEnd(0), replay.hasStepEnd(1)]).toEqual([true, false]);
    expect([replay.hasParse(0), replay.hasParse(1)]).toEqual([true, false]);
    // Scores are found by normalised template.
    expect(replay.isRecorded("a photo of {}.")).toBe(true);
    expect(replay.scoreOf("a  photo of {}.")?.trainAccuracy).toBe(0.5);
    expect(replay.isRecorded("a drawing of {}.")).toBe(false);
    expect(replay.replyOf(0, "h0")?.texts).toEqual(["x"]);
    expect(replay.replyOf(1, "h1")).toBeUndefined();
  });

  it("refuses to re-serve a call whose request differs from the recorded one", () => {
    const replay = replayOf(events, "memory:run");
    expect(() => replay.replyOf(0, "other")).toThrow(RunStoreError);
    expect(() => replay.replyOf(0, "other")).toThrow(/cannot resume memory:run: LLM call 0 differs/);
  });

  it("writes the manifest of a new run, and refuses to resume one with other settings", async () => {
    const store = new MemoryRunStore();
    const first = await openReplay(store, manifest(1));
    expect(first.resumed).toBe(false);
    expect(first.tornTailWarning).toBeNull();
    expect((await store.readManifest())?.seed).toBe(1);
    expect((await openReplay(store, manifest(1))).resumed).toBe(true);
    await expect(openReplay(store, manifest(2))).rejects.toThrow(/its seed was 1 but is now 2/);
  });

  it("reports a log line cut off by a crash", async () => {
    const store = new MemoryRunStore();
    store.readLog = async () => ({ events, tornTail: { line: 8, bytes: 17 } });
    const { tornTailWarning, resumed } = await openReplay(store, manifest(1));
    expect(resumed).toBe(true);
    expect(tornTailWarning).toBe("event log line 8 was cut off by a crash (17 bytes); it was ignored");
  });
});
