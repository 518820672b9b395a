import { describe, expect, it } from "vitest";
import { memoryIo } from "./io.js";
import { createProgressObserver, featureLine } from "./progress.js";

describe("featureLine", () => {
  it("says (all cached) instead of a rate when every image came from the cache", () => {
    expect(featureLine({ split: "train", done: 10, total: 10, cached: 10, elapsedMs: 3 })).toBe(
      "features train: 10/10 images (all cached)",
    );
  });
  it("shows no rate while only cached images have been read", () => {
    expect(featureLine({ split: "test", done: 400, total: 1000, cached: 400, elapsedMs: 50 })).toBe(
      "features test: 400/1,000 images, 400 cached",
    );
  });
  it("shows the rate of computed images and an ETA", () => {
    expect(featureLine({ split: "test", done: 600, total: 1000, cached: 400, elapsedMs: 2000 })).toBe(
      "features test: 600/1,000 images, 400 cached, 100 img/s, ETA 4s",
    );
    expect(featureLine({ split: "val", done: 50, total: 50, cached: 0, elapsedMs: 1000 })).toBe(
      "features val: 50/50 images, 50 img/s, ETA 0s",
    );
  });
});

describe("createProgressObserver", () => {
  const candidate = (trainAccuracy: number) => ({
    id: 0,
    template: "a photo of a {}.",
    trainAccuracy,
    valAccuracy: null,
    step: 1,
    source: "llm",
  });
  const usage = {
    llmCalls: 3,
    inputTokens: 1200,
    outputTokens: 34,
    costUsd: 0.0123,
    evaluations: 9,
    cachedCalls: 0,
  };

  it("on a terminal rewrites one status line in place with step, best accuracy, calls, tokens and $", () => {
    const io = memoryIo({ isTTY: true });
    const p = createProgressObserver(io);
    p.onStepStart?.({ step: 1, replayed: false });
    p.onCandidateScored?.({ candidate: candidate(0.42), best: candidate(0.42), replayed: false });
    p.onStepEnd?.({ step: 1, failed: false, best: candidate(0.42), usage, replayed: false });
    p.done();
    const writes = io.err;
    // every status write starts by returning to the start of the line and clearing it
    const statuses = writes.filter((w) => w.startsWith("\r\x1b[K") && w.length > 4);
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    for (const s of statuses) expect(s).not.toContain("\n");
    const last = statuses.at(-1) as string;
    expect(last).toContain("best 42.0% train");
    expect(last).toContain("3 calls");
    expect(last).toContain("1,234 tokens");
    expect(last).toContain("$0.01");
    // done() leaves the last status visible and ends its line
    expect(writes.at(-1)).toBe("\n");
  });

  it("off a terminal writes plain lines only, never carriage returns", () => {
    const io = memoryIo({ isTTY: false });
    const p = createProgressObserver(io);
    p.onStepStart?.({ step: 1, replayed: false });
    p.onCandidateScored?.({ candidate: candidate(0.42), best: candidate(0.42), replayed: false });
    p.onStepEnd?.({ step: 1, failed: false, best: candidate(0.42), usage, replayed: false });
    p.done();
    expect(io.errText).not.toContain("\r");
    expect(io.errText).toMatch(/^step 1: best 42\.0% train .*3 calls · 1,234 tokens · \$0\.01\n$/m);
  });

  it("--verbose names a scored prompt set by its summary, not its bare key", () => {
    const io = memoryIo({ isTTY: false });
    const p = createProgressObserver(io, { verbose: true });
    const prompts = { cat: ["a cat, which has whiskers."], dog: ["a dog, which barks."] };
    const set = { ...candidate(0.5), template: "descriptions#0123456789ab (2 classes, 2 texts)", prompts };
    p.onCandidateScored?.({ candidate: set, best: set, replayed: false });
    p.done();
    expect(io.errText + io.outText).toContain(
      "50.0% train  — val  prompt set: 2 classes × 1 text, e.g. “a cat, which has whiskers.” (descriptions#0123456789ab)",
    );
  });
});
