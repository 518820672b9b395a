import { describe, expect, it } from "vitest";
import { bestTrainCurve, callsAndScores } from "./run-curve.js";
import type { RunEvent } from "./run-events.js";

const time = "t";
const usage = { inputTokens: 1, outputTokens: 1, costUsd: null };
const reply = (step: number, seq: number): RunEvent => ({
  type: "llm-reply",
  time,
  step,
  seq,
  texts: [],
  usage,
  cached: false,
  durationMs: 1,
});
const scored = (step: number, template: string, trainAccuracy: number, source = "llm"): RunEvent => ({
  type: "candidate-scored",
  time,
  step,
  candidate: { id: 0, template, trainAccuracy, valAccuracy: null, step, source },
});
const events: RunEvent[] = [
  { type: "step-start", time, step: 0 },
  scored(0, "p1", 0.4, "pool"),
  scored(0, "p2", 0.3, "pool"),
  { type: "step-start", time, step: 1 },
  reply(1, 0),
  scored(1, "a", 0.5),
  scored(1, "b", 0.5),
  { type: "step-start", time, step: 2 },
  reply(2, 1),
  reply(2, 1), // a reply logged twice counts once
  { type: "step-start", time, step: 3 },
  reply(3, 2),
  scored(3, "c", 0.7),
];

describe("best-vs-calls curve", () => {
  it("reads every distinct reply and every scored candidate with the calls and the best so far", () => {
    const points = [...callsAndScores(events)].map((p) =>
      p.kind === "reply"
        ? `reply ${p.seq} @${p.calls} best=${p.best?.template ?? "-"}`
        : `scored ${p.candidate.template} @${p.calls} seq=${p.seq} best=${p.best.template}${p.newBest ? " new" : ""}`,
    );
    expect(points).toEqual([
      "scored p1 @0 seq=null best=p1 new",
      "scored p2 @0 seq=null best=p1",
      "reply 0 @1 best=p1",
      "scored a @1 seq=0 best=a new",
      "scored b @1 seq=0 best=a",
      "reply 1 @2 best=a",
      "reply 2 @3 best=a",
      "scored c @3 seq=2 best=c new",
    ]);
  });

  it("gives one point per call count, the last best at that count", () => {
    expect(bestTrainCurve(events)).toEqual([
      [0, 0.4],
      [1, 0.5],
      [2, 0.5],
      [3, 0.7],
    ]);
    expect(bestTrainCurve([reply(0, 0)])).toEqual([]);
  });
});
