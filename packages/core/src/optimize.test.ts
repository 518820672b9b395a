import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Dataset } from "./dataset.js";
import { ConfigError, RunStoreError } from "./errors.js";
import { sha256Hex } from "./hashing.js";
import { EVENTS_FILE, JsonlRunStore, MANIFEST_FILE } from "./jsonl-run-store.js";
import type { LlmRequest } from "./llm-provider.js";
import { optimize, type RunResult } from "./optimize.js";
import type { RunEvent } from "./run-events.js";
import type { RunObserver } from "./run-observer.js";
import type { AskContext, Proposal, SearchStrategy, StepOutcome } from "./search-strategy.js";
import { topK } from "./selection.js";
import { HashEncoder, ScriptedLlm } from "./testing.js";

const tmp = () => mkdtempSync(join(tmpdir(), "vlmopt-core-"));

function dataset(): Dataset {
  const names = ["annual crop", "forest", "river", "sea lake"];
  const img = (split: string, i: number, label: number) => ({ path: `/virtual/${split}/${i}.jpg`, label });
  return {
    name: "toy",
    classNames: names,
    splits: {
      train: names.flatMap((_, c) => [img("train", c * 2, c), img("train", c * 2 + 1, c)]),
      val: names.map((_, c) => img("val", c, c)),
      test: names.flatMap((_, c) => [0, 1, 2].map((i) => img("test", c * 3 + i, c))),
    },
  };
}

/** Image vectors: per-image noise plus a class-dependent direction, so templates score differently. */
function encoder(): HashEncoder {
  const labelOf = new Map<string, number>();
  const ds = dataset();
  for (const x of [...ds.splits.train, ...ds.splits.val, ...ds.splits.test]) labelOf.set(x.path, x.label);
  return new HashEncoder({
    dim: 24,
    imageVector: (image) => {
      if (typeof image !== "string") return undefined;
      const label = labelOf.get(image) ?? 0;
      const noise = sha256Hex(image);
      const v = new Float32Array(24);
      for (let j = 0; j < 24; j++) {
        v[j] = Number.parseInt(noise.slice(2 * j, 2 * j + 2), 16) / 255 - 0.5 + (j % 4 === label ? 1 : 0);
      }
      return v;
    },
  });
}

/** A tiny deterministic strategy: score a pool, then ask the LLM for variants of the best. */
class ToyStrategy implements SearchStrategy {
  readonly specificationVersion = "v1" as const;
  readonly name = "toy";
  readonly params = { iterations: 4 };
  told: StepOutcome[] = [];
  ask(ctx: AskContext): Proposal | null {
    if (ctx.step === 0)
      return {
        kind: "templates",
        templates: ["a photo of a {}.", "{}", "a satellite photo of {}."],
        label: "pool",
      };
    if (ctx.step > this.params.iterations) return null;
    const best = topK(ctx.history, 2).map((h) => h.template);
    return {
      kind: "llm",
      request: {
        messages: [{ role: "user", content: `Improve these:\n${best.map((b) => `- ${b}`).join("\n")}` }],
        temperature: 1,
        maxTokens: 64,
      },
      parse: (texts, alreadyScored) =>
        texts
          .flatMap((t) => t.split("\n"))
          .map((l) => l.replace(/^- /, "").trim())
          .filter((l) => l.includes("{}") && !alreadyScored(l)),
      maxAttempts: 2,
    };
  }
  tell(outcome: StepOutcome): void {
    this.told.push(outcome);
  }
}

/** Replies depend only on the request, so any replay order gives the same answers. */
const replyFor = (request: LlmRequest) => {
  const h = sha256Hex(JSON.stringify(request.messages)).slice(0, 6);
  const words = ["aerial", "blurry", "centered", "close-up", "satellite", "photo"];
  const w1 = words[Number.parseInt(h.slice(0, 2), 16) % words.length];
  const w2 = words[Number.parseInt(h.slice(2, 4), 16) % words.length];
  return `- a ${w1} ${w2} photo of {}.\n- ${w2} image of the {} (${h}).`;
};

async function run(
  dir: string,
  llm = new ScriptedLlm({ replies: [replyFor], whenExhausted: "repeat-last" }),
  extra = {},
) {
  const store = new JsonlRunStore(dir);
  try {
    const result = await optimize({
      strategy: new ToyStrategy(),
      llm,
      encoder: encoder(),
      dataset: dataset(),
      store,
      seed: 7,
      ...extra,
    });
    return { result, llm };
  } finally {
    store.close();
  }
}

const comparable = (r: RunResult) => ({
  history: r.history,
  chosen: r.chosen,
  stop: r.stop,
  steps: r.steps,
  usage: { ...r.usage, cachedCalls: 0 },
});

describe("optimize()", () => {
  it("runs the strategy to completion and chooses by train accuracy", async () => {
    const dir = tmp();
    const { result, llm } = await run(dir);
    expect(result.stop).toEqual({ kind: "completed" });
    expect(result.steps).toBe(5);
    // 4 LLM steps; a reply that yields nothing new is retried once (maxAttempts 2)
    expect(llm.calls.length).toBeGreaterThanOrEqual(4);
    expect(llm.calls.length).toBe(result.usage.llmCalls);
    expect(result.history.length).toBeGreaterThan(3);
    expect(result.best).toEqual(topK(result.history, 1)[0]);
    expect(result.chosen?.templates).toEqual([result.best?.template]);
    expect(result.chosen?.testAccuracy).not.toBeNull();
    expect(result.chosen?.perClassTest).toHaveLength(4);
    expect(result.warnings.join("\n")).toMatch(/accuracy is meaningless/);
    const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
    expect(results.history).toEqual(result.history);
    const events = readFileSync(join(dir, EVENTS_FILE), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as RunEvent);
    expect(events[0]?.type).toBe("run-start");
    expect(events.at(-1)).toMatchObject({ type: "run-end", stop: { kind: "completed" } });
    // every reply is preceded by its request
    for (const e of events.filter((x) => x.type === "llm-reply")) {
      const i = events.indexOf(e);
      expect(events.slice(0, i).some((x) => x.type === "llm-request" && x.seq === e.seq)).toBe(true);
    }
  });

  it("logs the templates parsed from each reply, and why a reply was retried", async () => {
    const dir = tmp();
    // The second reply repeats the first: nothing new, so the step asks again.
    const same = "- a centered photo of {}.";
    const llm = new ScriptedLlm({ replies: [same, same, replyFor], whenExhausted: "repeat-last" });
    const { result } = await run(dir, llm);
    const events = readFileSync(join(dir, EVENTS_FILE), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as RunEvent);
    const parsed = events.filter((e) => e.type === "llm-parsed");
    expect(parsed.map((e) => e.seq)).toEqual(events.filter((e) => e.type === "llm-reply").map((e) => e.seq));
    expect(parsed[0]).toMatchObject({ step: 1, seq: 0, templates: [same.slice(2)] });
    expect(parsed[0]?.retry).toBeUndefined();
    // parse() drops templates already scored, so the repeat parses to nothing.
    expect(parsed[1]).toMatchObject({
      step: 2,
      seq: 1,
      templates: [],
      retry: "no template could be parsed from the reply",
    });
    expect(parsed[2]).toMatchObject({ step: 2, seq: 2 });
    expect(parsed[2]?.retry).toBeUndefined();
    // Resuming the finished run logs no parse twice.
    await run(dir, new ScriptedLlm({ replies: [replyFor], whenExhausted: "repeat-last" }));
    const again = readFileSync(join(dir, EVENTS_FILE), "utf8")
      .trim()
      .split("\n")
      .filter((l) => l.includes('"type":"llm-parsed"'));
    expect(again).toHaveLength(parsed.length);
    // The chosen template's most frequent test mistakes come with it.
    const chosen = result.chosen;
    const pairs = chosen?.confusedPairs ?? [];
    const mistakes = Math.round(12 * (1 - (chosen?.testAccuracy ?? 1)));
    expect(mistakes).toBeGreaterThan(0);
    expect(pairs.reduce((n, p) => n + p.count, 0)).toBe(mistakes);
    for (const p of pairs) {
      expect(p.actual).not.toBe(p.predicted);
      expect(p.share).toBeCloseTo(p.count / 3, 10); // 3 test images per class
    }
  });

  it("scores the baselines (a photo of a {}. and the best pool template) on every split", async () => {
    const { result } = await run(tmp());
    const pool = topK(
      result.history.filter((h) => h.source === "pool"),
      1,
    )[0];
    const photo = result.history.find((h) => h.template === "a photo of a {}.");
    expect(result.baselines?.map((b) => [b.label, b.template])).toEqual([
      ["a photo of a {}.", "a photo of a {}."],
      ["best pool template", pool?.template],
    ]);
    expect(result.baselines?.[0]).toMatchObject({
      trainAccuracy: photo?.trainAccuracy,
      valAccuracy: photo?.valAccuracy,
    });
    for (const b of result.baselines ?? []) expect(b.testAccuracy).toEqual(expect.any(Number));
    // The chosen template scored as a baseline gets the chosen template's test accuracy.
    const chosen = result.baselines?.find((b) => b.template === result.chosen?.templates[0]);
    if (chosen) expect(chosen.testAccuracy).toBe(result.chosen?.testAccuracy);
    const off = await run(tmp(), undefined, { scoreBaselines: false });
    expect(off.result.baselines).toBeUndefined();
  });

  it("gives every LLM call a stable call id (run seed and call number)", async () => {
    const seen: (string | undefined)[] = [];
    const llm = new ScriptedLlm({ replies: [replyFor], whenExhausted: "repeat-last" });
    const generate = llm.generate.bind(llm);
    llm.generate = (request, options) => {
      seen.push(options?.callId);
      return generate(request, options);
    };
    await run(tmp(), llm);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(seen).toEqual(seen.map((_, i) => `seed=7;seq=${i}`));
  });

  it("uses a top-k ensemble when asked, and scores test only for the chosen templates", async () => {
    const { result } = await run(tmp(), undefined, { ensembleTopK: 3 });
    expect(result.chosen?.ensemble).toBe(true);
    expect(result.chosen?.templates).toEqual(topK(result.history, 3).map((h) => h.template));
  });

  it("notifies observers", async () => {
    const seen: string[] = [];
    const observer: RunObserver = {
      onRunStart: () => seen.push("start"),
      onStepEnd: (i) => seen.push(`step${i.step}`),
      onRunEnd: (i) => seen.push(`end:${i.stop.kind}`),
    };
    await run(tmp(), undefined, { observers: [observer] });
    expect(seen).toEqual(["start", "step0", "step1", "step2", "step3", "step4", "end:completed"]);
  });
});

describe("budgets", () => {
  it("stops at maxLlmCalls and says so", async () => {
    const { result, llm } = await run(tmp(), undefined, { budget: { maxLlmCalls: 2 } });
    expect(llm.calls.length).toBe(2);
    expect(result.usage.llmCalls).toBe(2);
    expect(result.stop).toEqual({ kind: "budget", limit: "maxLlmCalls" });
    expect(result.chosen).not.toBeNull();
  });

  it("stops at maxEvaluations without exceeding it", async () => {
    const { result } = await run(tmp(), undefined, { budget: { maxEvaluations: 4 } });
    expect(result.history.length).toBe(4);
    expect(result.usage.evaluations).toBe(4);
    expect(result.stop).toEqual({ kind: "budget", limit: "maxEvaluations" });
  });

  it("never exceeds maxTokens (a call is refused when its worst case could)", async () => {
    for (const maxTokens of [50, 150, 100_000]) {
      const { result } = await run(tmp(), undefined, { budget: { maxTokens } });
      expect(result.usage.inputTokens + result.usage.outputTokens).toBeLessThanOrEqual(maxTokens);
      if (maxTokens < 1000) expect(result.stop).toEqual({ kind: "budget", limit: "maxTokens" });
      else expect(result.stop).toEqual({ kind: "completed" });
    }
  });

  it("never exceeds maxUsd and needs a known price", async () => {
    const price = { inputPerMTok: 1000, outputPerMTok: 4000 };
    const llm = new ScriptedLlm({ replies: [replyFor], whenExhausted: "repeat-last", price });
    const { result } = await run(tmp(), llm, { budget: { maxUsd: 0.4 } });
    expect(result.usage.costUsd).not.toBeNull();
    expect(result.usage.costUsd as number).toBeLessThanOrEqual(0.4);
    expect(result.stop).toEqual({ kind: "budget", limit: "maxUsd" });
    await expect(run(tmp(), undefined, { budget: { maxUsd: 1 } })).rejects.toThrow(ConfigError);
  });

  it("embeds a step's candidates in one encoder call, but never more than the evaluation budget allows", async () => {
    const unlimited = encoder();
    await run(tmp(), new ScriptedLlm({ replies: [replyFor], whenExhausted: "repeat-last" }), {
      encoder: unlimited,
      budget: { maxLlmCalls: 0 },
      scoreBaselines: false,
    });
    // the 3-template pool in one call (12 prompts), then the chosen template for the test split
    expect(unlimited.textCalls).toBe(2);
    expect(unlimited.textsEncoded).toBe(3 * 4 + 4);

    const capped = encoder();
    await run(tmp(), undefined, { encoder: capped, budget: { maxEvaluations: 2 }, scoreBaselines: false });
    expect(capped.textsEncoded).toBe(2 * 4 + 4);
  });

  it("rejects a negative or fractional limit with the field name", async () => {
    await expect(run(tmp(), undefined, { budget: { maxLlmCalls: -1 } })).rejects.toThrow(
      /budget\.maxLlmCalls/,
    );
    await expect(run(tmp(), undefined, { budget: { maxEvaluations: 1.5 } })).rejects.toThrow(/whole number/);
  });
});

describe("kill and resume", () => {
  it("a run whose log was cut at any byte resumes to the same result without repeating a finished call", async () => {
    const full = tmp();
    const { result: reference, llm: refLlm } = await run(full);
    const manifest = readFileSync(join(full, MANIFEST_FILE), "utf8");
    const log = readFileSync(join(full, EVENTS_FILE), "utf8");
    const lines = log.split("\n");
    // cut points: mid-line in every line, and at every line boundary
    const cuts: number[] = [];
    let offset = 0;
    for (const line of lines) {
      cuts.push(offset + Math.floor(line.length / 2));
      offset += line.length + 1;
      cuts.push(offset);
    }
    const step = Math.max(1, Math.floor(cuts.length / 12));
    for (let c = 0; c < cuts.length; c += step) {
      const cut = Math.min(cuts[c] as number, log.length);
      const dir = tmp();
      writeFileSync(join(dir, MANIFEST_FILE), manifest);
      const kept = log.slice(0, cut);
      writeFileSync(join(dir, EVENTS_FILE), kept);
      const finishedCalls = kept
        .split("\n")
        .filter((l) => l.includes('"type":"llm-reply"'))
        .filter((l) => {
          try {
            JSON.parse(l);
            return true;
          } catch {
            return false;
          }
        }).length;
      const { result, llm } = await run(dir);
      expect(comparable(result), `cut at byte ${cut}`).toEqual(comparable(reference));
      expect(llm.calls.length, `cut at byte ${cut}`).toBe(refLlm.calls.length - finishedCalls);
      expect(result.replayedCalls).toBe(finishedCalls);
      // requests made after resuming are exactly the ones not finished before the cut
      expect(llm.calls).toEqual(refLlm.calls.slice(finishedCalls));
      if (!kept.endsWith("\n") && kept.length > 0) {
        expect(result.warnings.some((w) => w.includes("cut off by a crash"))).toBe(true);
      }
      // the repaired log parses whole
      const after = readFileSync(join(dir, EVENTS_FILE), "utf8").trim().split("\n");
      for (const l of after) expect(() => JSON.parse(l)).not.toThrow();
    }
  });

  it("resuming a finished run embeds no recorded template again", async () => {
    const dir = tmp();
    await run(dir);
    const again = encoder();
    const { result } = await run(dir, undefined, { encoder: again, scoreBaselines: false });
    // only the chosen template, re-embedded to score the test split
    expect(again.textsEncoded).toBe(4);
    expect(result.chosen).not.toBeNull();
  });

  it("refuses to resume with different settings", async () => {
    const dir = tmp();
    await run(dir);
    const store = new JsonlRunStore(dir);
    await expect(
      optimize({
        strategy: new ToyStrategy(),
        llm: new ScriptedLlm({ replies: [replyFor], whenExhausted: "repeat-last" }),
        encoder: encoder(),
        dataset: dataset(),
        store,
        seed: 8,
      }),
    ).rejects.toThrow(RunStoreError);
    store.close();
  });

  it("an aborted run records where it stopped and resumes from there", async () => {
    const dir = tmp();
    const controller = new AbortController();
    const observer: RunObserver = { onStepEnd: (i) => i.step === 2 && controller.abort() };
    const { result } = await run(dir, undefined, { signal: controller.signal, observers: [observer] });
    expect(result.stop).toEqual({ kind: "aborted" });
    const { result: resumed } = await run(dir);
    const { result: reference } = await run(tmp());
    expect(comparable(resumed)).toEqual(comparable(reference));
  });
});
