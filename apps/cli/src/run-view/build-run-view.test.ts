import {
  promptSet,
  promptSetKey,
  promptSetSummary,
  type RunEvent,
  type RunManifest,
  type RunResult,
  type ScoredTemplate,
} from "@vlmopt/core";
import { describe, expect, it } from "vitest";
import { buildRunView, STALE_AFTER_MS } from "./build-run-view.js";
import type { RunInput } from "./run-input.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const usage = { inputTokens: 10, outputTokens: 5, costUsd: 0.001 };

const manifest: RunManifest = {
  manifestVersion: 1,
  runId: "r",
  createdAt: at(0),
  versions: { "@vlmopt/cli": "0.1.0" },
  model: { id: "m", hash: "h".repeat(64) },
  llm: { provider: "p", modelId: "x" },
  dataset: { name: "d", counts: { train: 4, val: 2, test: 6 } },
  strategy: { name: "s", params: { iterations: 2 } },
  budget: { maxLlmCalls: 5 },
  seed: 1,
};

const cand = (id: number, template: string, train: number, step: number, source: string): ScoredTemplate => ({
  id,
  template,
  trainAccuracy: train,
  valAccuracy: train - 0.1,
  step,
  source,
});

const request = (step: number, seq: number, attempt: number): RunEvent => ({
  type: "llm-request",
  time: at(10 + seq),
  step,
  seq,
  attempt,
  requestHash: "x",
  request: { system: "be brief", messages: [{ role: "user", content: `step ${step}` }] },
});
const reply = (step: number, seq: number, texts: string[]): RunEvent => ({
  type: "llm-reply",
  time: at(11 + seq),
  step,
  seq,
  texts,
  usage,
  cached: false,
  durationMs: 900,
});

/** A pool of two, an LLM step whose first reply repeats a pool template (retried), then a better one. */
function events(withParsed: boolean): RunEvent[] {
  const e: RunEvent[] = [
    { type: "run-start", time: at(0), resumed: false },
    { type: "step-start", time: at(1), step: 0 },
    {
      type: "candidate-scored",
      time: at(2),
      step: 0,
      candidate: cand(0, "a photo of a {}.", 0.5, 0, "pool"),
    },
    { type: "candidate-scored", time: at(3), step: 0, candidate: cand(1, "art of {}.", 0.6, 0, "pool") },
    { type: "step-end", time: at(4), step: 0, failed: false, bestTrainAccuracy: 0.6 },
    // The run was stopped here and resumed 100 s later.
    { type: "run-start", time: at(104), resumed: true },
    { type: "step-start", time: at(105), step: 1 },
    request(1, 0, 1),
    reply(1, 0, ["art of {}."]),
  ];
  if (withParsed)
    e.push({
      type: "llm-parsed",
      time: at(112),
      step: 1,
      seq: 0,
      templates: ["art of {}."],
      retry: "all 1 parsed templates were scored before",
    });
  e.push(request(1, 1, 2), reply(1, 1, ["<b>{}</b> pic", "bad"]));
  if (withParsed)
    e.push({ type: "llm-parsed", time: at(113), step: 1, seq: 1, templates: ["<b>{}</b> pic", "bad"] });
  e.push(
    { type: "candidate-scored", time: at(114), step: 1, candidate: cand(2, "<b>{}</b> pic", 0.75, 1, "llm") },
    { type: "step-end", time: at(115), step: 1, failed: false, bestTrainAccuracy: 0.75 },
  );
  return e;
}

function input(o: { withParsed?: boolean; result?: RunResult | null } = {}): RunInput {
  return {
    id: "x/r",
    manifest,
    events: events(o.withParsed ?? true),
    result: o.result ?? null,
    transfers: [],
  };
}

describe("buildRunView", () => {
  it("splits the pool from the LLM's proposals and draws best-so-far train and val against calls", () => {
    const v = buildRunView(input(), T0 + 116_000);
    expect(v.chart.pool.map((p) => p.template)).toEqual(["a photo of a {}.", "art of {}."]);
    expect(v.chart.proposals).toEqual([expect.objectContaining({ calls: 2, train: 0.75, step: 1 })]);
    expect(v.chart.bestTrain).toEqual([
      [0, 0.5],
      [0, 0.6],
      [2, 0.75],
    ]);
    expect(v.chart.bestVal.map(([c, a]) => [c, Number(a.toFixed(2))])).toEqual([
      [0, 0.4],
      [0, 0.5],
      [2, 0.65],
    ]);
    expect(v.chart.totalCalls).toBe(2);
  });

  it("shows each turn: what the LLM saw, its reply, parsed templates with scores, the retry and why", () => {
    const [first, second] = buildRunView(input(), T0).turns;
    expect(first).toMatchObject({
      seq: 0,
      attempt: 1,
      system: "be brief",
      messages: [{ role: "user", content: "step 1" }],
      replies: ["art of {}."],
      retry: "all 1 parsed templates were scored before",
    });
    expect(first?.parsed).toEqual([
      {
        template: "art of {}.",
        label: "art of {}.",
        trainAccuracy: 0.6,
        valAccuracy: 0.5,
        newBest: false,
        note: "already scored (step 0)",
      },
    ]);
    expect(second?.attempt).toBe(2);
    expect(second?.retry).toBeNull();
    expect(second?.parsed[0]).toMatchObject({
      template: "<b>{}</b> pic",
      trainAccuracy: 0.75,
      newBest: true,
    });
    expect(second?.parsed[1]).toMatchObject({ template: "bad", trainAccuracy: null, newBest: false });
    expect(second?.parsed[1]?.note).toMatch(/placeholder|\{\}/);
  });

  it("reads logs written before llm-parsed existed: the scored templates of each reply", () => {
    const [first, second] = buildRunView(input({ withParsed: false }), T0).turns;
    expect(first?.parsed).toEqual([]);
    expect(second?.parsed).toEqual([
      {
        template: "<b>{}</b> pic",
        label: "<b>{}</b> pic",
        trainAccuracy: 0.75,
        valAccuracy: 0.65,
        newBest: true,
      },
    ]);
  });

  it("is running while events are fresh, stopped when stale; wall time sums the sessions", () => {
    expect(buildRunView(input(), T0 + 116_000).status.state).toBe("running");
    const stale = buildRunView(input(), T0 + 115_000 + STALE_AFTER_MS + 1);
    expect(stale.status.state).toBe("stopped");
    expect(stale.status.text).toContain("resume it with `pnpm vlmopt resume <run-dir>`");
    expect(stale.cost).toMatchObject({ sessions: 2, wallMs: (4 + 11) * 1000, llmCalls: 2, inputTokens: 20 });
    expect(stale.cost.llmUsd).toBeCloseTo(0.002, 10);
    expect(stale.chosen).toBeNull();
    expect(stale.baselines.map((b) => [b.label, b.template, b.testAccuracy])).toEqual([
      ["a photo of a {}.", "a photo of a {}.", null],
      ["best pool template", "art of {}.", null],
    ]);
  });

  it("states the chosen template's origin, its baselines, classes, confusions and transfers", () => {
    const history = events(true).flatMap((e) => (e.type === "candidate-scored" ? [e.candidate] : []));
    const result = {
      runId: "r",
      stop: { kind: "budget", limit: "maxLlmCalls" },
      steps: 2,
      best: history[2],
      top: [],
      bottom: [],
      chosen: {
        templates: ["<b>{}</b> pic"],
        ensemble: false,
        trainAccuracy: 0.75,
        valAccuracy: 0.65,
        testAccuracy: 0.7,
        perClassTest: [1, 0.4],
        confusedPairs: [{ actual: 1, predicted: 0, count: 3, share: 0.6 }],
      },
      usage: {
        llmCalls: 2,
        inputTokens: 20,
        outputTokens: 10,
        costUsd: 0.002,
        evaluations: 3,
        cachedCalls: 0,
      },
      history,
      classNames: ["cat", "<i>dog</i>"],
      model: manifest.model,
      llm: manifest.llm,
      warnings: [],
      replayedCalls: 0,
      baselines: [
        {
          label: "a photo of a {}.",
          template: "a photo of a {}.",
          trainAccuracy: 0.5,
          valAccuracy: 0.4,
          testAccuracy: 0.55,
        },
      ],
    } as RunResult;
    const v = buildRunView({
      ...input({ result }),
      transfers: [
        {
          file: "transfer-b.json",
          value: {
            runDir: "x",
            sourceModel: { id: "m", hash: "h" },
            model: { id: "b", hash: "h2" },
            dataset: { name: "d", counts: {} },
            templates: [
              {
                template: "art of {}.",
                source: { trainAccuracy: 0.6, valAccuracy: 0.5 },
                trainAccuracy: 0.8,
                valAccuracy: 0.7,
              },
            ],
            chosen: { ...(result.chosen as NonNullable<RunResult["chosen"]>), testAccuracy: 0.66 },
            warnings: [],
          } as unknown as RunInput["transfers"][number]["value"],
        },
      ],
    });
    expect(v.status).toMatchObject({ state: "finished", text: "budget reached (maxLlmCalls)" });
    expect(v.chosen?.origin).toBe("the LLM at step 1 (LLM call 2)");
    expect(v.chart.test).toEqual({ calls: 2, accuracy: 0.7 });
    expect(v.baselines).toEqual(result.baselines?.map((b) => ({ ...b, templateLabel: b.template })));
    expect(v.perClass).toEqual([
      { name: "cat", accuracy: 1 },
      { name: "<i>dog</i>", accuracy: 0.4 },
    ]);
    expect(v.confused).toEqual([{ actual: "<i>dog</i>", predicted: "cat", count: 3, share: 0.6 }]);
    expect(v.transfers).toEqual([
      expect.objectContaining({
        model: "b",
        templates: 1,
        chosen: { trainAccuracy: 0.75, valAccuracy: 0.65, testAccuracy: 0.66 },
      }),
    ]);
    expect(v.params).toContainEqual(["budget.maxLlmCalls", "5"]);
    expect(v.params).toContainEqual(["strategy.iterations", "2"]);
  });

  it("a prompt set proposed by the LLM: parsed and charted by its summary, never called a bad template", () => {
    const texts = {
      cat: ["a cat, which has whiskers."],
      dog: ["a dog, which has a tail.", "a dog, which barks."],
    };
    const key = promptSetKey(promptSet(texts));
    const scored: ScoredTemplate = { ...cand(1, key, 0.8, 1, "llm"), prompts: texts };
    const unscored = "descriptions#000000000000 (2 classes, 2 texts)";
    const e: RunEvent[] = [
      { type: "run-start", time: at(0), resumed: false },
      {
        type: "candidate-scored",
        time: at(1),
        step: 0,
        candidate: cand(0, "a photo of a {}.", 0.5, 0, "pool"),
      },
      request(1, 0, 1),
      reply(1, 0, ["cat: ...", "dog: ..."]),
      { type: "llm-parsed", time: at(12), step: 1, seq: 0, templates: [key, unscored] },
      { type: "candidate-scored", time: at(13), step: 1, candidate: scored },
    ];
    const v = buildRunView({ id: "x/r", manifest, events: e, result: null, transfers: [] }, T0);
    const summary = promptSetSummary(texts, key);
    expect(v.turns[0]?.parsed).toEqual([
      { template: key, label: summary, trainAccuracy: 0.8, valAccuracy: scored.valAccuracy, newBest: true },
      {
        template: unscored,
        label: unscored,
        trainAccuracy: null,
        valAccuracy: null,
        newBest: false,
        note: "not scored (the budget ran out)",
      },
    ]);
    expect(v.chart.proposals.map((p) => p.label)).toEqual([summary]);
    expect(v.top.map((t) => t.label)).toEqual([summary, "a photo of a {}."]);
    expect(v.top[0]).not.toHaveProperty("prompts");
  });
});
