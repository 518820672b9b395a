import type { RunEvent } from "./run-events.js";
import type { ScoredTemplate } from "./search-strategy.js";

/** What happened at one point of a run's log, with the LLM calls so far and the best template so far. */
export type CallsAndScoresPoint =
  | { kind: "reply"; calls: number; seq: number; best: ScoredTemplate | null }
  | {
      kind: "scored";
      calls: number;
      /** seq of the step's last LLM reply before it (null when the step made no call yet). */
      seq: number | null;
      candidate: ScoredTemplate;
      /** Best by train accuracy so far (the first of equals), this candidate included. */
      best: ScoredTemplate;
      newBest: boolean;
    };

/**
 * The one reader of "best accuracy against LLM calls" in a run's event log: every distinct LLM
 * reply (`calls` counts distinct call numbers, so a re-logged reply counts once) and every
 * scored candidate, in log order.
 */
export function* callsAndScores(events: readonly RunEvent[]): Generator<CallsAndScoresPoint> {
  const replies = new Set<number>();
  let lastSeq: number | null = null;
  let best: ScoredTemplate | null = null;
  for (const e of events) {
    if (e.type === "llm-reply") {
      lastSeq = e.seq;
      if (replies.has(e.seq)) continue;
      replies.add(e.seq);
      yield { kind: "reply", calls: replies.size, seq: e.seq, best };
    } else if (e.type === "step-start") lastSeq = null;
    else if (e.type === "candidate-scored") {
      const newBest = best === null || e.candidate.trainAccuracy > best.trainAccuracy;
      if (newBest) best = e.candidate;
      yield {
        kind: "scored",
        calls: replies.size,
        seq: e.candidate.source === "llm" ? lastSeq : null,
        candidate: e.candidate,
        best: best as ScoredTemplate,
        newBest,
      };
    }
  }
}

/**
 * Best train accuracy after each LLM call: [calls so far, best], one point per call count (the
 * last value at that count), starting at the first scored template.
 */
export function bestTrainCurve(events: readonly RunEvent[]): [number, number][] {
  const out: [number, number][] = [];
  for (const p of callsAndScores(events)) {
    if (p.best === null) continue;
    const last = out[out.length - 1];
    if (last && last[0] === p.calls) last[1] = p.best.trainAccuracy;
    else out.push([p.calls, p.best.trainAccuracy]);
  }
  return out;
}
