import { type Budget, BudgetTracker, type BudgetUsage } from "./budget.js";
import type { ClipEncoder } from "./clip-encoder.js";
import type { Dataset, SplitName } from "./dataset.js";
import type { EmbeddingCache } from "./embedding-cache.js";
import { AbortError, type BudgetLimit, displayMessage, RunStoreError } from "./errors.js";
import { extractFeatures } from "./features.js";
import { canonicalJson, sha256Hex } from "./hashing.js";
import type { LlmProvider, LlmRequest, LlmRetryInfo } from "./llm-provider.js";
import { createRng } from "./rng.js";
import type { RunEvent, StopReason } from "./run-events.js";
import type { RunManifest } from "./run-manifest.js";
import { notify, type RunObserver } from "./run-observer.js";
import type { RunStore } from "./run-store.js";
import {
  type AccuracyResult,
  accuracyOf,
  type ConfusedPair,
  confusedPairs,
  type SplitFeatures,
  TemplateScorer,
} from "./scoring.js";
import type { ScoredTemplate, SearchStrategy, StepOutcome, TaskInfo } from "./search-strategy.js";
import { bottomK, selectBest, topK } from "./selection.js";
import { normalizeTemplate, templateProblem } from "./template.js";

export interface OptimizeOptions {
  strategy: SearchStrategy;
  llm: LlmProvider;
  encoder: ClipEncoder;
  dataset: Dataset;
  store: RunStore;
  budget?: Budget;
  /** Seeds the strategy's random numbers. Default 1. */
  seed?: number;
  observers?: readonly RunObserver[];
  signal?: AbortSignal;
  /** Image features by (model, image content), shared across runs. */
  imageCache?: EmbeddingCache;
  /** Re-read and re-hash every image instead of trusting remembered content hashes. */
  verifyImages?: boolean;
  /** Text features by (model, prompt). */
  textCache?: EmbeddingCache;
  /** Pre-computed features (a benchmark shares them across runs); computed when absent. */
  features?: Partial<Record<SplitName, SplitFeatures>>;
  /** Score the chosen template(s) on the test split at the end. Default true. */
  evaluateTest?: boolean;
  /**
   * Also score the baselines ("a photo of a {}." and the best pool template) on every split, so a
   * report can state the chosen template's gain over them. Default true (with evaluateTest).
   */
  scoreBaselines?: boolean;
  /** Choose an ensemble of the top-k templates instead of the single best. Default 1 (no ensemble). */
  ensembleTopK?: number;
  /** Stable run id; default derived from the store location. */
  runId?: string;
  versions?: Record<string, string>;
  /** App options recorded in the manifest (never secrets). */
  manifestOptions?: Record<string, unknown>;
}

export interface ChosenResult {
  templates: string[];
  ensemble: boolean;
  trainAccuracy: number;
  valAccuracy: number | null;
  testAccuracy: number | null;
  /** Test accuracy per class (label order), null where the test split has no such image. */
  perClassTest: (number | null)[] | null;
  /** The most frequent test mistakes (class indices), most frequent first; absent when test was not scored. */
  confusedPairs?: ConfusedPair[];
}

/** A reference template scored like the chosen one, to measure the chosen template's gain. */
export interface BaselineResult {
  /** What it stands for: "a photo of a {}." or "best pool template". */
  label: string;
  template: string;
  trainAccuracy: number;
  valAccuracy: number | null;
  testAccuracy: number | null;
}

/** The template CLIP's paper uses as the zero-shot default. */
export const DEFAULT_BASELINE_TEMPLATE = "a photo of a {}.";

export interface RunResult {
  runId: string;
  stop: StopReason;
  /** Steps the strategy took (asked and finished). */
  steps: number;
  best: ScoredTemplate | null;
  top: ScoredTemplate[];
  bottom: ScoredTemplate[];
  chosen: ChosenResult | null;
  usage: BudgetUsage;
  /** Everything scored, in scoring order. */
  history: ScoredTemplate[];
  classNames: string[];
  model: { id: string; hash: string; warning?: string };
  llm: { provider: string; modelId: string; warning?: string };
  /** Notes for the reader: random-weight models, simulated LLMs, a repaired torn log. */
  warnings: string[];
  /** LLM calls re-served from the event log (a resumed run). */
  replayedCalls: number;
  /** The baselines scored at the end (absent in runs made before they existed, or when turned off). */
  baselines?: BaselineResult[];
}

const now = () => new Date().toISOString();

/**
 * The first `max` candidates that would be scored: valid, not scored yet, not recorded in the
 * log being replayed, and not a duplicate of an earlier one (after normalisation).
 */
function toBeScored(
  candidates: readonly string[],
  o: { alreadyScored: (t: string) => boolean; recorded: (t: string) => boolean; max: number },
): string[] {
  const out: string[] = [];
  const keys = new Set<string>();
  for (const t of candidates) {
    if (out.length >= o.max) break;
    if (templateProblem(t) || o.alreadyScored(t) || o.recorded(t)) continue;
    const key = normalizeTemplate(t);
    if (keys.has(key)) continue;
    keys.add(key);
    out.push(t);
  }
  return out;
}

export function requestHash(request: LlmRequest): string {
  return sha256Hex(canonicalJson(request));
}

function manifestOf(o: OptimizeOptions, runId: string): RunManifest {
  const { dataset, encoder, llm, strategy } = o;
  const counts: Record<string, number> = {};
  for (const [k, v] of Object.entries(dataset.splits)) counts[k] = v.length;
  const p = dataset.provenance ?? {};
  return {
    manifestVersion: 1,
    runId,
    createdAt: now(),
    versions: o.versions ?? {},
    model: {
      id: encoder.id,
      hash: encoder.modelHash,
      ...(encoder.warning ? { warning: encoder.warning } : {}),
    },
    llm: { provider: llm.provider, modelId: llm.modelId, ...(llm.warning ? { warning: llm.warning } : {}) },
    dataset: {
      name: dataset.name,
      ...(p.shots !== undefined ? { shots: p.shots } : {}),
      ...(p.shotsRequested !== undefined ? { shotsRequested: p.shotsRequested } : {}),
      ...(p.seed !== undefined ? { seed: p.seed } : {}),
      ...(p.root !== undefined ? { root: p.root } : {}),
      ...(p.splitHash !== undefined ? { splitHash: p.splitHash } : {}),
      counts,
    },
    strategy: { name: strategy.name, params: { ...strategy.params } },
    budget: o.budget ?? {},
    seed: o.seed ?? 1,
    ...(o.manifestOptions ? { options: o.manifestOptions } : {}),
  };
}

/** Fields that must agree between a run's manifest and the options resuming it. */
function checkResumable(saved: RunManifest, fresh: RunManifest, where: string): void {
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
 * The optimization loop both apps call: asks the strategy for steps, performs LLM calls and
 * template evaluations within the budget, appends every event to the run store before acting
 * on it, and chooses the final template(s). If the store already holds events, the run resumes:
 * the strategy is re-played against the recorded replies and scores, so no finished LLM call or
 * evaluation is repeated and the result equals an uninterrupted run's.
 */
export async function optimize(o: OptimizeOptions): Promise<RunResult> {
  const observers = o.observers ?? [];
  const { encoder, llm, dataset, store, strategy, signal } = o;
  const budget = o.budget ?? {};
  const tracker = new BudgetTracker(budget, llm.price);
  const runId = o.runId ?? store.location.split(/[\\/]/).filter(Boolean).pop() ?? "run";
  const warnings: string[] = [];
  if (encoder.warning) warnings.push(`model ${encoder.id}: ${encoder.warning}`);
  if (llm.warning) warnings.push(`llm ${llm.provider}:${llm.modelId}: ${llm.warning}`);

  // Resume state from the log.
  const log = await store.readLog();
  const fresh = manifestOf(o, runId);
  const saved = await store.readManifest();
  const resumed = log.events.length > 0 || saved !== null;
  if (saved) checkResumable(saved, fresh, store.location);
  else await store.writeManifest(fresh);
  if (log.tornTail) {
    const msg = `event log line ${log.tornTail.line} was cut off by a crash (${log.tornTail.bytes} bytes); it was ignored`;
    warnings.push(msg);
    notify(observers, "onWarning", msg);
  }
  const recordedRequests = new Map<number, string>();
  const recordedReplies = new Map<number, Extract<RunEvent, { type: "llm-reply" }>>();
  const recordedScores = new Map<string, ScoredTemplate>();
  const loggedStepStarts = new Set<number>();
  const loggedStepEnds = new Set<number>();
  const loggedParses = new Set<number>();
  for (const e of log.events) {
    if (e.type === "llm-request") recordedRequests.set(e.seq, e.requestHash);
    else if (e.type === "llm-reply") recordedReplies.set(e.seq, e);
    else if (e.type === "candidate-scored")
      recordedScores.set(normalizeTemplate(e.candidate.template), e.candidate);
    else if (e.type === "step-start") loggedStepStarts.add(e.step);
    else if (e.type === "step-end") loggedStepEnds.add(e.step);
    else if (e.type === "llm-parsed") loggedParses.add(e.seq);
  }
  let replayedCalls = 0;

  await store.append({ type: "run-start", time: now(), resumed });
  notify(observers, "onRunStart", { runId, resumed });

  const task: TaskInfo = {
    datasetName: dataset.name,
    classNames: dataset.classNames,
    ...(dataset.displayName ? { displayName: dataset.displayName } : {}),
    ...(dataset.description ? { description: dataset.description } : {}),
  };
  const scorer = new TemplateScorer({
    encoder,
    classNames: dataset.classNames,
    ...(o.textCache ? { textCache: o.textCache } : {}),
    ...(signal ? { signal } : {}),
  });

  // Each split is extracted at most once per run (the chosen template, the baselines and the
  // test score all read the same features).
  const extracted = new Map<SplitName, Promise<SplitFeatures>>();
  const featuresOf = (split: SplitName): Promise<SplitFeatures> => {
    const given = o.features?.[split];
    if (given) return Promise.resolve(given);
    let features = extracted.get(split);
    if (!features) {
      features = extractFeatures(encoder, dataset.splits[split], {
        ...(o.imageCache ? { cache: o.imageCache } : {}),
        ...(o.verifyImages ? { verifyImages: true } : {}),
        ...(signal ? { signal } : {}),
        onProgress: (p) => notify(observers, "onFeatureProgress", { split, ...p }),
      });
      extracted.set(split, features);
    }
    return features;
  };

  const history: ScoredTemplate[] = [];
  const scoredKeys = new Set<string>();
  const alreadyScored = (t: string) => scoredKeys.has(normalizeTemplate(t));
  /** Scored in the log being replayed (its score is taken from there, not recomputed). */
  const isRecorded = (t: string) => recordedScores.has(normalizeTemplate(t));
  let stop = { kind: "completed" } as StopReason;
  let steps = 0;
  let seq = 0;
  const baselines: BaselineResult[] = [];
  const rng = createRng(o.seed ?? 1);

  const finishWith = (reason: StopReason) => {
    stop = reason;
  };

  try {
    const train = await featuresOf("train");
    const val = dataset.splits.val.length > 0 ? await featuresOf("val") : null;

    const evaluate = async (
      template: string,
      step: number,
      source: string,
    ): Promise<ScoredTemplate | BudgetLimit> => {
      const key = normalizeTemplate(template);
      const recorded = recordedScores.get(key);
      if (recorded) {
        tracker.recordEvaluation();
        return { ...recorded, id: history.length, step };
      }
      const blocked = tracker.blockingLimitForEvaluation();
      if (blocked) return blocked;
      const classes = await scorer.classEmbeddings(template);
      const trainAcc = scorer.score(classes, train);
      const valAcc = val ? scorer.score(classes, val) : null;
      const candidate: ScoredTemplate = {
        id: history.length,
        template,
        trainAccuracy: trainAcc.accuracy,
        valAccuracy: valAcc ? valAcc.accuracy : null,
        step,
        source,
      };
      await store.append({ type: "candidate-scored", time: now(), step, candidate });
      tracker.recordEvaluation();
      return candidate;
    };

    for (let step = 0; ; step++) {
      if (signal?.aborted) throw new AbortError("aborted");
      const proposal = strategy.ask({ step, task, history, rng });
      if (proposal === null) break;
      const replayedStep = loggedStepStarts.has(step);
      if (!replayedStep) {
        await store.append({
          type: "step-start",
          time: now(),
          step,
          ...(proposal.label ? { label: proposal.label } : {}),
        });
      }
      notify(observers, "onStepStart", {
        step,
        replayed: replayedStep,
        ...(proposal.label ? { label: proposal.label } : {}),
      });

      let candidates: string[] = [];
      let replies: string[] = [];
      let lastRequest: LlmRequest | undefined;
      let source = "pool";
      let budgetStop: BudgetLimit | null = null;

      if (proposal.kind === "templates") {
        source = proposal.source ?? "pool";
        candidates = proposal.templates.slice();
      } else {
        source = "llm";
        const maxAttempts = Math.max(1, proposal.maxAttempts ?? 1);
        for (let attempt = 1; attempt <= maxAttempts; attempt++) {
          if (signal?.aborted) throw new AbortError("aborted");
          const request = proposal.request;
          const hash = requestHash(request);
          const callSeq = seq++;
          const reply = recordedReplies.get(callSeq);
          let texts: string[];
          if (reply) {
            const recordedHash = recordedRequests.get(callSeq);
            if (recordedHash !== undefined && recordedHash !== hash) {
              throw new RunStoreError(
                `cannot resume ${store.location}: LLM call ${callSeq} differs from the recorded one`,
                { hint: "the strategy or its parameters changed since the run started; start a new run" },
              );
            }
            replayedCalls++;
            tracker.recordCall(reply.usage, reply.cached);
            texts = reply.texts;
            notify(observers, "onLlmRequest", { step, seq: callSeq, attempt, request, replayed: true });
            notify(observers, "onLlmReply", {
              step,
              seq: callSeq,
              texts,
              usage: reply.usage,
              cached: reply.cached,
              replayed: true,
            });
          } else {
            const blocked = tracker.blockingLimitForCall(request);
            if (blocked) {
              seq--;
              budgetStop = blocked;
              break;
            }
            await store.append({
              type: "llm-request",
              time: now(),
              step,
              seq: callSeq,
              attempt,
              requestHash: hash,
              request,
            });
            notify(observers, "onLlmRequest", { step, seq: callSeq, attempt, request, replayed: false });
            const started = Date.now();
            let result: Awaited<ReturnType<LlmProvider["generate"]>>;
            try {
              const callId = `seed=${o.seed ?? 1};seq=${callSeq}`;
              const onRetry = async (info: LlmRetryInfo) => {
                await store.append({
                  type: "llm-retry",
                  time: now(),
                  step,
                  seq: callSeq,
                  retry: info.retry,
                  maxRetries: info.maxRetries,
                  delayMs: Math.round(info.delayMs),
                  reason: info.reason,
                  ...(info.status !== undefined ? { status: info.status } : {}),
                });
                notify(observers, "onLlmRetry", { ...info, step, seq: callSeq });
              };
              result = await llm.generate(request, { callId, onRetry, ...(signal ? { signal } : {}) });
            } catch (error) {
              const retryable = (error as { isRetryable?: boolean }).isRetryable === true;
              await store.append({
                type: "llm-error",
                time: now(),
                step,
                seq: callSeq,
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
              seq: callSeq,
              texts: result.texts,
              usage: result.usage,
              cached,
              durationMs: Date.now() - started,
            });
            tracker.recordCall(result.usage, cached);
            texts = result.texts;
            notify(observers, "onLlmReply", {
              step,
              seq: callSeq,
              texts,
              usage: result.usage,
              cached,
              replayed: false,
            });
          }
          replies = texts;
          lastRequest = request;
          candidates = proposal.parse(texts, alreadyScored);
          const anyNew = candidates.some((c) => !alreadyScored(c));
          if (!loggedParses.has(callSeq)) {
            const why =
              candidates.length === 0
                ? "no template could be parsed from the reply"
                : `all ${candidates.length} parsed templates were scored before`;
            await store.append({
              type: "llm-parsed",
              time: now(),
              step,
              seq: callSeq,
              templates: candidates.map(String),
              ...(!anyNew && attempt < maxAttempts ? { retry: why } : {}),
            });
          }
          if (anyNew) break;
        }
      }

      const scored: ScoredTemplate[] = [];
      for (let index = 0; index < candidates.length; index++) {
        const template = candidates[index] as string;
        const problem = templateProblem(template);
        if (problem) {
          notify(observers, "onCandidateRejected", { step, template: String(template), reason: problem });
          continue;
        }
        if (alreadyScored(template)) continue;
        if (!isRecorded(template) && !scorer.hasPrefetched(template)) {
          // Embed this and the next few candidates in one encoder call (it batches prompts of
          // similar length); each is still scored and logged one by one below.
          await scorer.prefetch(
            toBeScored(candidates.slice(index), {
              alreadyScored,
              recorded: isRecorded,
              max: Math.min(scorer.templatesPerCall, tracker.evaluationsLeft()),
            }),
          );
        }
        const result = await evaluate(template, step, source);
        if (typeof result === "string") {
          budgetStop = result;
          break;
        }
        const replayed = isRecorded(template);
        history.push(result);
        scoredKeys.add(normalizeTemplate(template));
        scored.push(result);
        notify(observers, "onCandidateScored", {
          candidate: result,
          best: selectBest(history) as ScoredTemplate,
          replayed,
        });
      }

      scorer.clearPrefetched();
      const failed = scored.length === 0 && budgetStop === null;
      const outcome: StepOutcome = {
        step,
        scored,
        replies,
        ...(lastRequest ? { request: lastRequest } : {}),
        failed,
        history,
      };
      strategy.tell(outcome);
      steps = step + 1;
      const best = selectBest(history);
      if (!loggedStepEnds.has(step)) {
        await store.append({
          type: "step-end",
          time: now(),
          step,
          failed,
          bestTrainAccuracy: best?.trainAccuracy ?? null,
        });
      }
      notify(observers, "onStepEnd", {
        step,
        failed,
        best,
        usage: { ...tracker.usage },
        replayed: loggedStepEnds.has(step),
      });
      if (budgetStop) {
        finishWith({ kind: "budget", limit: budgetStop });
        break;
      }
    }
  } catch (error) {
    if (error instanceof AbortError || AbortError.isInstance(error) || signal?.aborted) {
      finishWith({ kind: "aborted" });
    } else {
      finishWith({ kind: "error", message: displayMessage(error) });
      await store.append({ type: "run-end", time: now(), stop });
      await store.writeJson("results", resultOf(null));
      throw error;
    }
  }

  // A run whose LLM never gave a usable template must not look like a completed optimization.
  const llmCalls = tracker.usage.llmCalls;
  if (stop.kind === "completed" && llmCalls > 0 && !history.some((h) => h.source === "llm")) {
    finishWith({ kind: "no-usable-template", llmCalls });
    const msg = `the LLM never produced a usable template in ${llmCalls} call${llmCalls === 1 ? "" : "s"} (every reply was unparsable, invalid or a repeat); ${history.length > 0 ? "the chosen template is the best of the strategy's own pool, not the LLM's" : "nothing was scored or chosen"}`;
    warnings.push(msg);
    notify(observers, "onWarning", msg);
  }

  function resultOf(chosen: ChosenResult | null): RunResult {
    return {
      runId,
      stop,
      steps,
      best: selectBest(history),
      top: topK(history, 10),
      bottom: bottomK(history, 10),
      chosen,
      usage: { ...tracker.usage },
      history,
      classNames: [...dataset.classNames],
      model: fresh.model,
      llm: fresh.llm,
      warnings,
      replayedCalls,
      ...(baselines.length ? { baselines } : {}),
    };
  }

  /** Scores "a photo of a {}." and the best pool template (scores already in the history are reused). */
  async function scoreBaselinesInto(out: BaselineResult[]): Promise<void> {
    const pool = topK(
      history.filter((h) => h.source === "pool"),
      1,
    )[0];
    const wanted = [{ label: DEFAULT_BASELINE_TEMPLATE, template: DEFAULT_BASELINE_TEMPLATE }];
    if (pool) wanted.push({ label: "best pool template", template: pool.template });
    for (const { label, template } of wanted) {
      const known = history.find((h) => normalizeTemplate(h.template) === normalizeTemplate(template));
      const classes = await scorer.classEmbeddings(template);
      const valSplit = dataset.splits.val.length > 0 ? await featuresOf("val") : null;
      out.push({
        label,
        template,
        trainAccuracy: known?.trainAccuracy ?? scorer.score(classes, await featuresOf("train")).accuracy,
        valAccuracy: known ? known.valAccuracy : valSplit ? scorer.score(classes, valSplit).accuracy : null,
        testAccuracy:
          (o.evaluateTest ?? true) && dataset.splits.test.length > 0
            ? scorer.score(classes, await featuresOf("test")).accuracy
            : null,
      });
    }
  }

  let chosen: ChosenResult | null = null;
  if (history.length > 0 && stop.kind !== "aborted") {
    const k = Math.max(1, o.ensembleTopK ?? 1);
    const picked = topK(history, k);
    const templates = picked.map((p) => p.template);
    const ensemble = templates.length > 1;
    let test: AccuracyResult | null = null;
    let confused: ConfusedPair[] | null = null;
    const top = picked[0] as ScoredTemplate;
    let trainAccuracy = top.trainAccuracy;
    let valAccuracy = top.valAccuracy;
    try {
      const classes = ensemble
        ? await scorer.ensembleEmbeddings(templates)
        : await scorer.classEmbeddings(top.template);
      if (ensemble) {
        trainAccuracy = scorer.score(classes, await featuresOf("train")).accuracy;
        valAccuracy =
          dataset.splits.val.length > 0 ? scorer.score(classes, await featuresOf("val")).accuracy : null;
      }
      if ((o.evaluateTest ?? true) && dataset.splits.test.length > 0) {
        const testSplit = await featuresOf("test");
        const predictions = scorer.predict(classes, testSplit);
        test = accuracyOf(predictions, testSplit.labels, dataset.classNames.length);
        confused = confusedPairs(predictions, testSplit.labels, 10);
      }
      if (o.scoreBaselines ?? true) await scoreBaselinesInto(baselines);
    } catch (error) {
      if (!(AbortError.isInstance(error) || signal?.aborted)) throw error;
      finishWith({ kind: "aborted" });
    }
    chosen = {
      templates,
      ensemble,
      trainAccuracy,
      valAccuracy,
      testAccuracy: test ? test.accuracy : null,
      perClassTest: test ? test.perClass : null,
      ...(confused ? { confusedPairs: confused } : {}),
    };
  }
  const result = resultOf(chosen);
  await store.append({ type: "run-end", time: now(), stop });
  await store.writeJson("results", result);
  notify(observers, "onRunEnd", { stop, best: result.best, usage: result.usage });
  return result;
}
