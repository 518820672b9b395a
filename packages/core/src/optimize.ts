import { type Budget, BudgetTracker, type BudgetUsage } from "./budget.js";
import { CandidateScorer } from "./candidate-scorer.js";
import type { ClipEncoder } from "./clip-encoder.js";
import type { Dataset, SplitName } from "./dataset.js";
import type { EmbeddingCache } from "./embedding-cache.js";
import { AbortError, BudgetExceededError, displayMessage } from "./errors.js";
import type { LlmProvider } from "./llm-provider.js";
import { modelWarningLine } from "./model-warning.js";
import { type Choice, choicePrompts, choose, scoreChoice } from "./phase-choose.js";
import { checkImageSupport, type LoadLlmImage } from "./phase-images.js";
import { type LlmCallCounter, propose } from "./phase-propose.js";
import { openReplay } from "./phase-replay.js";
import { ScoredHistory, scoreCandidates } from "./phase-score.js";
import { type BaselineResult, scoreBaselines, testChoice } from "./phase-test.js";
import type { Candidate, ClassPrompts } from "./prompt-set.js";
import { createRng } from "./rng.js";
import type { StopReason } from "./run-events.js";
import { splitFeatureReader } from "./run-features.js";
import type { RunManifest } from "./run-manifest.js";
import { notify, type RunObserver } from "./run-observer.js";
import type { RunStore } from "./run-store.js";
import type { AccuracyResult, ConfusedPair, SplitFeatures } from "./scoring.js";
import type { ScoredTemplate, SearchStrategy, StepOutcome, TaskInfo } from "./search-strategy.js";
import { bottomK, selectBest, topK } from "./selection.js";
import type { EmbeddingUsage, SpendLedger } from "./spend-ledger.js";

export { requestHash } from "./phase-propose.js";
export { type BaselineResult, DEFAULT_BASELINE_TEMPLATE } from "./phase-test.js";

export interface OptimizeOptions {
  strategy: SearchStrategy;
  /**
   * The run's USD ledger, shared with a paid embedding API (the encoder was created with it): its
   * spending counts toward budget.maxUsd with the LLM's, and a request it refuses stops the run
   * with a budget stop. Its embedding usage is reported in RunResult.embeddingUsage.
   */
  spend?: SpendLedger;
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
  /** Encodes a training image for `llm` (needed by strategies that show images, e.g. hill-climb showImages). */
  loadImage?: LoadLlmImage;
  /** Stable run id; default derived from the store location. */
  runId?: string;
  versions?: Record<string, string>;
  /** App options recorded in the manifest (never secrets). */
  manifestOptions?: Record<string, unknown>;
}

export interface ChosenResult {
  /** The chosen templates; a per-class prompt set by its key (`promptSetKey`). */
  templates: string[];
  /**
   * Present when a chosen candidate is a per-class prompt set: entry i holds the texts of
   * `templates[i]` by class name (null for a template). Absent in runs made before prompt sets.
   * `chosenCandidates(chosen)` rebuilds the candidates of both kinds.
   */
  prompts?: (ClassPrompts | null)[];
  ensemble: boolean;
  trainAccuracy: number;
  valAccuracy: number | null;
  testAccuracy: number | null;
  /** Test accuracy per class (label order), null where the test split has no such image. */
  perClassTest: (number | null)[] | null;
  /** The most frequent test mistakes (class indices), most frequent first; absent when test was not scored. */
  confusedPairs?: ConfusedPair[];
}

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
  /** What the embedding API's calls used and cost, apart from the LLM's `usage` (runs with `spend`). */
  embeddingUsage?: EmbeddingUsage;
}

const now = () => new Date().toISOString();

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

/**
 * The optimization loop both apps call: asks the strategy for steps, performs LLM calls and
 * template evaluations within the budget, appends every event to the run store before acting
 * on it, and chooses the final template(s). If the store already holds events, the run resumes:
 * the strategy is re-played against the recorded replies and scores, so no finished LLM call or
 * evaluation is repeated and the result equals an uninterrupted run's.
 *
 * Its phases, each in its own file: replay (phase-replay.ts: what the log already holds),
 * propose (phase-propose.ts: a step's candidates, from the strategy's pool or an LLM call),
 * score (phase-score.ts: train/val accuracy of new candidates), choose (phase-choose.ts: the
 * top template(s)) and test (phase-test.ts: the choice and the baselines on the test split).
 */
export async function optimize(o: OptimizeOptions): Promise<RunResult> {
  const observers = o.observers ?? [];
  const { encoder, llm, dataset, store, strategy, signal } = o;
  const seed = o.seed ?? 1;
  checkImageSupport(strategy, llm, o.loadImage);
  const tracker = new BudgetTracker(o.budget ?? {}, llm.price, o.spend);
  const runId = o.runId ?? store.location.split(/[\\/]/).filter(Boolean).pop() ?? "run";
  const warnings: string[] = [];
  if (encoder.warning) warnings.push(modelWarningLine(encoder.id, encoder.warning));
  if (llm.warning) warnings.push(`llm ${llm.provider}:${llm.modelId}: ${llm.warning}`);
  const warn = (msg: string) => {
    warnings.push(msg);
    notify(observers, "onWarning", msg);
  };

  // Replay: what the log of a resumed run already holds.
  const fresh = manifestOf(o, runId);
  const { replay, resumed, tornTailWarning } = await openReplay(store, fresh);
  if (tornTailWarning) warn(tornTailWarning);

  await store.append({ type: "run-start", time: now(), resumed });
  notify(observers, "onRunStart", { runId, resumed });

  const task: TaskInfo = {
    datasetName: dataset.name,
    classNames: dataset.classNames,
    ...(dataset.displayName ? { displayName: dataset.displayName } : {}),
    ...(dataset.description ? { description: dataset.description } : {}),
  };
  const scorer = new CandidateScorer({
    encoder,
    classNames: dataset.classNames,
    ...(o.textCache ? { textCache: o.textCache } : {}),
    ...(signal ? { signal } : {}),
  });
  const featuresOf = splitFeatureReader({
    encoder,
    dataset,
    observers,
    ...(o.imageCache ? { imageCache: o.imageCache } : {}),
    ...(o.verifyImages ? { verifyImages: true } : {}),
    ...(signal ? { signal } : {}),
    ...(o.features ? { features: o.features } : {}),
  });
  const hasVal = dataset.splits.val.length > 0;
  const scoreTest = (o.evaluateTest ?? true) && dataset.splits.test.length > 0;

  const scoredHistory = new ScoredHistory();
  const history = scoredHistory.items;
  const calls: LlmCallCounter = { next: 0, replayed: 0 };
  let stop = { kind: "completed" } as StopReason;
  let steps = 0;
  const baselines: BaselineResult[] = [];
  const rng = createRng(seed);

  const finishWith = (reason: StopReason) => {
    stop = reason;
  };

  try {
    const train = await featuresOf("train");
    const val = hasVal ? await featuresOf("val") : null;
    const proposeContext = {
      llm,
      store,
      observers,
      tracker,
      replay,
      calls,
      seed,
      ...(signal ? { signal } : {}),
      alreadyScored: (t: Candidate) => scoredHistory.has(t),
      trainPaths: new Set(dataset.splits.train.map((image) => image.path)),
      ...(o.loadImage ? { loadImage: o.loadImage } : {}),
    };
    const scoreContext = {
      store,
      observers,
      tracker,
      replay,
      scorer,
      train,
      val,
      history: scoredHistory,
      ...(strategy.wantsScoreDetails ? { details: true } : {}),
    };

    for (let step = 0; ; step++) {
      if (signal?.aborted) throw new AbortError("aborted");
      const proposal = strategy.ask({ step, task, history, rng, trainImages: dataset.splits.train });
      if (proposal === null) break;
      const replayedStep = replay.hasStepStart(step);
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

      // Propose, then score.
      const proposed = await propose(proposeContext, step, proposal);
      let budgetStop = proposed.budgetStop;
      const { scored, budgetStop: scoreStop } = await scoreCandidates(
        scoreContext,
        step,
        proposed.source,
        proposed.candidates,
      );
      budgetStop = scoreStop ?? budgetStop;

      const failed = scored.length === 0 && budgetStop === null;
      const outcome: StepOutcome = {
        step,
        scored,
        replies: proposed.replies,
        ...(proposed.request ? { request: proposed.request } : {}),
        failed,
        history,
      };
      strategy.tell(outcome);
      steps = step + 1;
      const best = selectBest(history);
      if (!replay.hasStepEnd(step)) {
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
        replayed: replay.hasStepEnd(step),
      });
      if (budgetStop) {
        finishWith({ kind: "budget", limit: budgetStop });
        break;
      }
    }
  } catch (error) {
    if (error instanceof AbortError || AbortError.isInstance(error) || signal?.aborted) {
      finishWith({ kind: "aborted" });
    } else if (BudgetExceededError.isInstance(error)) {
      // A paid embedding request the budget refused (it was not sent).
      warn(error.message);
      finishWith({ kind: "budget", limit: error.limit });
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
    warn(
      `the LLM never produced a usable template in ${llmCalls} call${llmCalls === 1 ? "" : "s"} (every reply was unparsable, invalid or a repeat); ${history.length > 0 ? "the chosen template is the best of the strategy's own pool, not the LLM's" : "nothing was scored or chosen"}`,
    );
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
      replayedCalls: calls.replayed,
      ...(baselines.length ? { baselines } : {}),
      ...(o.spend ? { embeddingUsage: { ...o.spend.embedding } } : {}),
    };
  }

  // Choose, then test.
  let chosen: ChosenResult | null = null;
  const choice: Choice | null = stop.kind !== "aborted" ? choose(history, o.ensembleTopK ?? 1) : null;
  if (choice) {
    let test: AccuracyResult | null = null;
    let confused: ConfusedPair[] | null = null;
    try {
      const classes = await scoreChoice(choice, scorer, featuresOf, hasVal);
      if (scoreTest)
        ({ test, confused } = testChoice(
          classes,
          scorer,
          await featuresOf("test"),
          dataset.classNames.length,
        ));
      if (o.scoreBaselines ?? true)
        await scoreBaselines({ history, scorer, featuresOf, hasVal, scoreTest }, baselines);
    } catch (error) {
      if (BudgetExceededError.isInstance(error)) {
        warn(error.message);
        finishWith({ kind: "budget", limit: error.limit });
      } else {
        if (!(AbortError.isInstance(error) || signal?.aborted)) throw error;
        finishWith({ kind: "aborted" });
      }
    }
    const prompts = choicePrompts(choice);
    chosen = {
      templates: choice.templates,
      ...(prompts ? { prompts } : {}),
      ensemble: choice.ensemble,
      trainAccuracy: choice.trainAccuracy,
      valAccuracy: choice.valAccuracy,
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
