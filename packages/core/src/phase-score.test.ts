import { describe, expect, it } from "vitest";
import { BudgetTracker } from "./budget.js";
import { MemoryRunStore } from "./memory-run-store.js";
import { knownTask } from "./phase-fixtures.js";
import { replayOf } from "./phase-replay.js";
import { type ScoreContext, ScoredHistory, scoreCandidates, toBeScored } from "./phase-score.js";
import type { RunEvent } from "./run-events.js";

function context(o: { events?: RunEvent[]; maxEvaluations?: number } = {}) {
  const { scorer, split, encoder } = knownTask();
  const store = new MemoryRunStore();
  const ctx: ScoreContext = {
    store,
    observers: [],
    tracker: new BudgetTracker(
      o.maxEvaluations !== undefined ? { maxEvaluations: o.maxEvaluations } : {},
      null,
    ),
    replay: replayOf(o.events ?? [], store.location),
    scorer,
    train: split([0, 1, 1]),
    // Labels that disagree with the features, so validation scores differ from train ones.
    val: { features: split([0, 1]).features, labels: Int32Array.from([1, 1]) },
    history: new ScoredHistory(),
  };
  return { ctx, store, encoder };
}

describe("score phase", () => {
  it("scores new valid candidates on train and val, logs and keeps them, and skips the rest", async () => {
    const { ctx, store, encoder } = context();
    const rejected: string[] = [];
    ctx.observers = [{ onCandidateRejected: (i) => rejected.push(`${i.template}: ${i.reason}`) }];
    const out = await scoreCandidates(ctx, 4, "llm", ["good {}", "no placeholder", "bad {}", "GOOD  {}"]);
    expect(out.budgetStop).toBeNull();
    expect(
      out.scored.map((s) => [s.id, s.template, s.trainAccuracy, s.valAccuracy, s.step, s.source]),
    ).toEqual([
      [0, "good {}", 1, 0.5, 4, "llm"],
      [1, "bad {}", 0, 0.5, 4, "llm"],
    ]);
    expect(ctx.history.items).toEqual(out.scored);
    expect(ctx.history.has("Good {}")).toBe(true);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatch(/^no placeholder: /);
    expect(store.events.map((e) => e.type)).toEqual(["candidate-scored", "candidate-scored"]);
    // Both were embedded in one encoder call.
    expect(encoder.textCalls).toBe(1);
  });

  it("takes a recorded score from the log without embedding or logging it again", async () => {
    const candidate = {
      id: 9,
      template: "good {}",
      trainAccuracy: 0.25,
      valAccuracy: 0.5,
      step: 1,
      source: "llm",
    };
    const { ctx, store, encoder } = context({
      events: [{ type: "candidate-scored", time: "t", step: 1, candidate }],
    });
    const replayed: boolean[] = [];
    ctx.observers = [{ onCandidateScored: (i) => replayed.push(i.replayed) }];
    const out = await scoreCandidates(ctx, 1, "llm", ["good {}"]);
    expect(out.scored).toEqual([{ ...candidate, id: 0 }]);
    expect(replayed).toEqual([true]);
    expect(encoder.textCalls).toBe(0);
    expect(store.events).toEqual([]);
    expect(ctx.tracker.usage.evaluations).toBe(1);
  });

  it("stops at the evaluation budget, embedding no more than it allows", async () => {
    const { ctx, encoder } = context({ maxEvaluations: 1 });
    const out = await scoreCandidates(ctx, 0, "pool", ["good {}", "bad {}"]);
    expect(out.budgetStop).toBe("maxEvaluations");
    expect(out.scored.map((s) => s.template)).toEqual(["good {}"]);
    expect(encoder.textsEncoded).toBe(2); // one template × two classes
  });

  it("toBeScored picks the first new, valid, unrecorded, distinct candidates", () => {
    const picked = toBeScored(["{}", "bad", "a {}", "A  {}", "old {}", "rec {}", "b {}"], {
      alreadyScored: (t) => t === "old {}",
      recorded: (t) => t === "rec {}",
      max: 2,
    });
    expect(picked).toEqual(["{}", "a {}"]);
  });
});
