import { describe, expect, it } from "vitest";
import { BudgetTracker } from "./budget.js";
import type { LlmRequest } from "./llm-provider.js";
import { MemoryRunStore } from "./memory-run-store.js";
import { type ProposeContext, propose, requestHash } from "./phase-propose.js";
import { replayOf } from "./phase-replay.js";
import type { RunEvent } from "./run-events.js";
import type { LlmProposal } from "./search-strategy.js";
import { ScriptedLlm } from "./testing.js";

const request: LlmRequest = { messages: [{ role: "user", content: "templates please" }], maxTokens: 16 };
const proposal = (maxAttempts: number): LlmProposal => ({
  kind: "llm",
  request,
  parse: (texts) => texts.flatMap((t) => t.split("\n")).filter((l) => l.includes("{}")),
  maxAttempts,
});

function context(o: { replies: string[]; events?: RunEvent[]; scored?: string[]; maxLlmCalls?: number }) {
  const store = new MemoryRunStore();
  const llm = new ScriptedLlm({ replies: o.replies });
  const scored = new Set(o.scored ?? []);
  const ctx: ProposeContext = {
    llm,
    store,
    observers: [],
    tracker: new BudgetTracker(o.maxLlmCalls !== undefined ? { maxLlmCalls: o.maxLlmCalls } : {}, null),
    replay: replayOf(o.events ?? [], store.location),
    calls: { next: 0, replayed: 0 },
    seed: 3,
    alreadyScored: (t) => typeof t === "string" && scored.has(t),
  };
  return { ctx, store, llm };
}

describe("propose phase", () => {
  it("takes a template proposal as it is, with its source", async () => {
    const { ctx, store } = context({ replies: [] });
    const out = await propose(ctx, 0, { kind: "templates", templates: ["{}", "a {}."], source: "user" });
    expect(out).toEqual({ candidates: ["{}", "a {}."], replies: [], source: "user", budgetStop: null });
    expect(store.events).toEqual([]);
  });

  it("calls the LLM again while a reply yields nothing new, logging why", async () => {
    const { ctx, store, llm } = context({
      replies: ["a {}.", "nothing here", "a {}.\na photo of {}."],
      scored: ["a {}."],
    });
    const out = await propose(ctx, 2, proposal(3));
    expect(llm.calls).toHaveLength(3);
    expect(out.source).toBe("llm");
    expect(out.candidates).toEqual(["a {}.", "a photo of {}."]);
    expect(out.replies).toEqual(["a {}.\na photo of {}."]);
    expect(out.request).toEqual(request);
    expect(ctx.calls).toEqual({ next: 3, replayed: 0 });
    expect(store.events.map((e) => e.type)).toEqual([
      ...["llm-request", "llm-reply", "llm-parsed"],
      ...["llm-request", "llm-reply", "llm-parsed"],
      ...["llm-request", "llm-reply", "llm-parsed"],
    ]);
    const parsed = store.events.filter((e) => e.type === "llm-parsed");
    expect(parsed.map((e) => e.retry)).toEqual([
      "all 1 parsed templates were scored before",
      "no template could be parsed from the reply",
      undefined,
    ]);
    const first = store.events[0] as Extract<RunEvent, { type: "llm-request" }>;
    expect(first).toMatchObject({ step: 2, seq: 0, attempt: 1, requestHash: requestHash(request) });
  });

  it("re-serves a recorded reply without calling the LLM or logging it again", async () => {
    const time = "t";
    const events: RunEvent[] = [
      { type: "llm-request", time, step: 1, seq: 0, attempt: 1, requestHash: requestHash(request), request },
      {
        type: "llm-reply",
        time,
        step: 1,
        seq: 0,
        texts: ["a {}."],
        usage: { inputTokens: 1, outputTokens: 1, costUsd: null },
        cached: false,
        durationMs: 5,
      },
      { type: "llm-parsed", time, step: 1, seq: 0, templates: ["a {}."] },
    ];
    const { ctx, store, llm } = context({ replies: [], events });
    const out = await propose(ctx, 1, proposal(1));
    expect(out.candidates).toEqual(["a {}."]);
    expect(llm.calls).toHaveLength(0);
    expect(store.events).toEqual([]);
    expect(ctx.calls).toEqual({ next: 1, replayed: 1 });
    expect(ctx.tracker.usage.llmCalls).toBe(1);
  });

  it("stops at the budget without using up a call number", async () => {
    const { ctx, store, llm } = context({ replies: ["nothing", "a {}."], maxLlmCalls: 1 });
    const out = await propose(ctx, 0, proposal(2));
    expect(llm.calls).toHaveLength(1);
    expect(out.budgetStop).toBe("maxLlmCalls");
    expect(out.candidates).toEqual([]);
    expect(ctx.calls.next).toBe(1);
    expect(store.events.filter((e) => e.type === "llm-request")).toHaveLength(1);
  });

  it("logs a failed call and throws its error", async () => {
    const { ctx, store } = context({ replies: [] });
    await expect(propose(ctx, 0, proposal(1))).rejects.toThrow(/no reply for call 1/);
    expect(store.events.map((e) => e.type)).toEqual(["llm-request", "llm-error"]);
    expect(store.events[1]).toMatchObject({ seq: 0, retryable: false });
  });
});
