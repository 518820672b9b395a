import { RunStoreError } from "./errors.js";
import { canonicalJson } from "./hashing.js";
import { type Candidate, candidateKey } from "./prompt-set.js";
import type { RunEvent } from "./run-events.js";
import type { RunManifest } from "./run-manifest.js";
import type { RunStore } from "./run-store.js";
import type { ScoredTemplate, ShownImage } from "./search-strategy.js";
import { normalizeTemplate } from "./template.js";

export type LlmReplyEvent = Extract<RunEvent, { type: "llm-reply" }>;

/**
 * The replay phase: what a resumed run's event log already holds, so the loop re-serves each
 * finished LLM call and evaluation from the log instead of repeating it, and does not log a
 * step boundary or a parse twice.
 */
export interface Replay {
  /** Call `seq`'s recorded reply, or undefined when the call must be made live. Throws RunStoreError
   * when the recorded call asked something else (the strategy or its parameters changed). */
  replyOf(seq: number, requestHash: string): LlmReplyEvent | undefined;
  /** The recorded score of a candidate (by `candidateKey`), if the log has one. */
  scoreOf(candidate: Candidate): ScoredTemplate | undefined;
  /** Scored in the log being replayed (its score is taken from there, not recomputed). */
  isRecorded(candidate: Candidate): boolean;
  hasStepStart(step: number): boolean;
  hasStepEnd(step: number): boolean;
  hasParse(seq: number): boolean;
  /** The images recorded as shown with call `seq`, if the log has them. */
  imagesOf(seq: number): ShownImage[] | undefined;
}

/** Reads a run's events into a Replay; `location` names the store in errors. */
export function replayOf(events: readonly RunEvent[], location: string): Replay {
  const requests = new Map<number, string>();
  const replies = new Map<number, LlmReplyEvent>();
  const scores = new Map<string, ScoredTemplate>();
  const stepStarts = new Set<number>();
  const stepEnds = new Set<number>();
  const parses = new Set<number>();
  const images = new Map<number, ShownImage[]>();
  for (const e of events) {
    if (e.type === "llm-request") requests.set(e.seq, e.requestHash);
    else if (e.type === "llm-reply") replies.set(e.seq, e);
    else if (e.type === "candidate-scored") scores.set(normalizeTemplate(e.candidate.template), e.candidate);
    else if (e.type === "step-start") stepStarts.add(e.step);
    else if (e.type === "step-end") stepEnds.add(e.step);
    else if (e.type === "llm-parsed") parses.add(e.seq);
    else if (e.type === "llm-images")
      images.set(
        e.seq,
        e.images.map(({ path, label }) => ({ path, label })),
      );
  }
  return {
    replyOf(seq, requestHash) {
      const reply = replies.get(seq);
      if (!reply) return undefined;
      const recordedHash = requests.get(seq);
      if (recordedHash !== undefined && recordedHash !== requestHash) {
        throw new RunStoreError(`cannot resume ${location}: LLM call ${seq} differs from the recorded one`, {
          hint: "the strategy or its parameters changed since the run started; start a new run",
        });
      }
      return reply;
    },
    // A prompt set is logged under its key, which `normalizeTemplate` leaves as it is.
    scoreOf: (candidate) => scores.get(candidateKey(candidate)),
    isRecorded: (candidate) => scores.has(candidateKey(candidate)),
    hasStepStart: (step) => stepStarts.has(step),
    hasStepEnd: (step) => stepEnds.has(step),
    hasParse: (seq) => parses.has(seq),
    imagesOf: (seq) => images.get(seq),
  };
}

/** Fields that must agree between a run's manifest and the options resuming it. */
export function checkResumable(saved: RunManifest, fresh: RunManifest, where: string): void {
  const pairs: [string, unknown, unknown][] = [
    ["strategy", saved.strategy, fresh.strategy],
    ["model", saved.model.id, fresh.model.id],
    ["model hash", saved.model.hash, fresh.model.hash],
    ["llm", `${saved.llm.provider}:${saved.llm.modelId}`, `${fresh.llm.provider}:${fresh.llm.modelId}`],
    ["dataset", saved.dataset.name, fresh.dataset.name],
    ["dataset splits", saved.dataset.counts, fresh.dataset.counts],
    ["seed", saved.seed, fresh.seed],
  ];
  for (const [what, a, b] of pairs) {
    if (canonicalJson(a) !== canonicalJson(b)) {
      throw new RunStoreError(
        `cannot resume ${where}: its ${what} was ${canonicalJson(a)} but is now ${canonicalJson(b)}`,
        { hint: "resume with the run's original settings, or start a new run in another directory" },
      );
    }
  }
}

/**
 * Opens a run for replay: a new run gets `fresh` as its manifest; an existing one must have been
 * started with the same settings. Returns its Replay, whether it resumes, and the warning about a
 * log line a crash cut off (if any).
 */
export async function openReplay(
  store: RunStore,
  fresh: RunManifest,
): Promise<{ replay: Replay; resumed: boolean; tornTailWarning: string | null }> {
  const log = await store.readLog();
  const saved = await store.readManifest();
  const resumed = log.events.length > 0 || saved !== null;
  if (saved) checkResumable(saved, fresh, store.location);
  else await store.writeManifest(fresh);
  const torn = log.tornTail;
  return {
    replay: replayOf(log.events, store.location),
    resumed,
    tornTailWarning: torn
      ? `event log line ${torn.line} was cut off by a crash (${torn.bytes} bytes); it was ignored`
      : null,
  };
}
