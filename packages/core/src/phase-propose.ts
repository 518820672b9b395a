import type { BudgetTracker } from "./budget.js";
import { AbortError, type BudgetLimit } from "./errors.js";
import { canonicalJson, sha256Hex } from "./hashing.js";
import type { LlmProvider, LlmRequest, LlmRetryInfo } from "./llm-provider.js";
import { type LoadLlmImage, loggedRequest, withImages } from "./phase-images.js";
import type { Replay } from "./phase-replay.js";
import { type Candidate, candidateText } from "./prompt-set.js";
import { notify, type RunObserver } from "./run-observer.js";
import type { RunStore } from "./run-store.js";
import type { LlmProposal, Proposal } from "./search-strategy.js";

const now = () => new Date().toISOString();

/** The hash a run's log records for an LLM request, so a resumed run can tell it is the same call. */
export function requestHash(request: LlmRequest): string {
  return sha256Hex(canonicalJson(request));
}

/** LLM calls of a run: `next` numbers them (the `seq` of run events), `replayed` counts re-served ones. */
export interface LlmCallCounter {
  next: number;
  replayed: number;
}

export interface ProposeContext {
  llm: LlmProvider;
  store: RunStore;
  observers: readonly RunObserver[];
  tracker: BudgetTracker;
  replay: Replay;
  calls: LlmCallCounter;
  /** The run seed; with the call number it forms the call id a provider's reply cache keys on. */
  seed: number;
  signal?: AbortSignal;
  /** Whether a candidate was scored earlier in the run (normalised). */
  alreadyScored(candidate: Candidate): boolean;
  /** Paths of the train split: the only images a proposal may show. */
  trainPaths?: ReadonlySet<string>;
  loadImage?: LoadLlmImage;
}

/** What a step proposes to score. */
export interface Proposed {
  candidates: Candidate[];
  /** Reply texts of the step's last LLM call ([] for a template proposal). */
  replies: string[];
  /** The request that produced `replies`. */
  request?: LlmRequest;
  /** Where the candidates came from: the proposal's source, or "llm". */
  source: string;
  /** Set when a budget refused the step's next LLM call. */
  budgetStop: BudgetLimit | null;
}

/**
 * The propose phase: turns a strategy's proposal into candidate templates. A template proposal is
 * taken as it is; an LLM proposal is called (re-served from the log when the run is resumed) until
 * a reply yields a template not scored before, at most `maxAttempts` times, or a budget refuses.
 */
export async function propose(ctx: ProposeContext, step: number, proposal: Proposal): Promise<Proposed> {
  if (proposal.kind === "templates") {
    return {
      candidates: proposal.templates.slice(),
      replies: [],
      source: proposal.source ?? "pool",
      budgetStop: null,
    };
  }
  return proposeByLlm(ctx, step, proposal);
}

async function proposeByLlm(ctx: ProposeContext, step: number, proposal: LlmProposal): Promise<Proposed> {
  const out: Proposed = { candidates: [], replies: [], source: "llm", budgetStop: null };
  const maxAttempts = Math.max(1, proposal.maxAttempts ?? 1);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (ctx.signal?.aborted) throw new AbortError("aborted");
    const callSeq = ctx.calls.next;
    const request = await withImages(ctx, step, callSeq, proposal.request, proposal.images);
    const texts = await callLlm(ctx, { step, seq: callSeq, attempt, request });
    if (typeof texts === "string") {
      out.budgetStop = texts;
      break;
    }
    out.replies = texts;
    out.request = request;
    out.candidates = proposal.parse(texts, ctx.alreadyScored);
    const anyNew = out.candidates.some((c) => !ctx.alreadyScored(c));
    if (!ctx.replay.hasParse(callSeq)) {
      const why =
        out.candidates.length === 0
          ? "no template could be parsed from the reply"
          : `all ${out.candidates.length} parsed templates were scored before`;
      await ctx.store.append({
        type: "llm-parsed",
        time: now(),
        step,
        seq: callSeq,
        templates: out.candidates.map(candidateText),
        ...(!anyNew && attempt < maxAttempts ? { retry: why } : {}),
      });
    }
    if (anyNew) break;
  }
  return out;
}

interface Call {
  step: number;
  seq: number;
  attempt: number;
  request: LlmRequest;
}

/**
 * One LLM call: re-served from the log when it holds the reply, else made live (logged before and
 * after, budget checked first). Returns the reply texts, or the budget limit that refused the call
 * (then the call number is not used up).
 */
async function callLlm(ctx: ProposeContext, call: Call): Promise<string[] | BudgetLimit> {
  const { store, observers, tracker } = ctx;
  const { step, seq, attempt, request } = call;
  const hash = requestHash(request);
  const reply = ctx.replay.replyOf(seq, hash);
  if (reply) {
    ctx.calls.next++;
    ctx.calls.replayed++;
    tracker.recordCall(reply.usage, reply.cached);
    notify(observers, "onLlmRequest", { step, seq, attempt, request, replayed: true });
    notify(observers, "onLlmReply", {
      step,
      seq,
      texts: reply.texts,
      usage: reply.usage,
      cached: reply.cached,
      replayed: true,
    });
    return reply.texts;
  }
  const blocked = tracker.blockingLimitForCall(request);
  if (blocked) return blocked;
  ctx.calls.next++;
  await store.append({
    type: "llm-request",
    time: now(),
    step,
    seq,
    attempt,
    requestHash: hash,
    request: loggedRequest(request),
  });
  notify(observers, "onLlmRequest", { step, seq, attempt, request, replayed: false });
  const started = Date.now();
  let result: Awaited<ReturnType<LlmProvider["generate"]>>;
  try {
    const callId = `seed=${ctx.seed};seq=${seq}`;
    const onRetry = async (info: LlmRetryInfo) => {
      await store.append({
        type: "llm-retry",
        time: now(),
        step,
        seq,
        retry: info.retry,
        maxRetries: info.maxRetries,
        delayMs: Math.round(info.delayMs),
        reason: info.reason,
        ...(info.status !== undefined ? { status: info.status } : {}),
      });
      notify(observers, "onLlmRetry", { ...info, step, seq });
    };
    result = await ctx.llm.generate(request, {
      callId,
      onRetry,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  } catch (error) {
    const retryable = (error as { isRetryable?: boolean }).isRetryable === true;
    await store.append({
      type: "llm-error",
      time: now(),
      step,
      seq,
      message: error instanceof Error ? error.message : String(error),
      retryable,
    });
    throw error;
  }
  const cached = result.cached === true;
  await store.append({
    type: "llm-reply",
    time: now(),
    step,
    seq,
    texts: result.texts,
    usage: result.usage,
    cached,
    durationMs: Date.now() - started,
  });
  tracker.recordCall(result.usage, cached);
  notify(observers, "onLlmReply", {
    step,
    seq,
    texts: result.texts,
    usage: result.usage,
    cached,
    replayed: false,
  });
  return result.texts;
}
