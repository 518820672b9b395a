import { join, resolve } from "node:path";
import {
  CandidateScorer,
  ConfigError,
  chosenCandidates,
  type Dataset,
  displayMessage,
  extractFeatures,
  MemoryEmbeddingCache,
  type SplitFeatures,
  sha256Hex,
} from "@vlmopt/core";
import { meaninglessReason } from "./labels.js";
import { writeTransferOutputs } from "./render-transfer.js";
import { loadSeeds, nothingMeasured, type RunSuiteOptions, runSuite, scoreBaseline } from "./run-suite.js";
import { balancedSubset } from "./test-subset.js";
import type { BenchRecord, SkippedDataset, SuiteIdentity } from "./types.js";

/** A CLIP model as every transfer output names it. */
export interface ModelIdentity {
  spec: string;
  id: string;
  hash: string;
  warning?: string;
  /** Set when this model's accuracies mean nothing (random weights, tiny test models). */
  meaningless: string | null;
}

/** One row of a transfer suite: a baseline or a source run's chosen templates, scored on one model. */
export interface TransferRecord extends BenchRecord {
  /** The model whose run chose the templates (the source backbone; for baselines, the target). */
  sourceModel: string;
  /** The model the test accuracy was measured on. */
  targetModel: string;
  /** Per-class test accuracy (class order of the dataset) of a transferred run; null for empty classes. */
  perClassTest?: (number | null)[];
}

/** Everything a transfer suite's results.json holds. */
export interface TransferResults {
  formatVersion: 1;
  kind: "transfer";
  createdAt: string;
  /** The source suite's identity (model = the source backbone, LLM, shots, seeds). */
  identity: SuiteIdentity;
  source: ModelIdentity;
  targets: ModelIdentity[];
  /** Source → source rows first (as the source suite measured them), then each target's. */
  records: TransferRecord[];
  skippedDatasets: SkippedDataset[];
  notes: string[];
}

export interface RunTransferOptions extends RunSuiteOptions {
  /** Target model specs (default: the suite's `transfer.targets`). */
  targets?: readonly string[];
}

/**
 * The paper's transfer experiment: runs the suite's grid on the source model (resumable, in
 * <outDir>/source), then scores each finished run's chosen templates and the hand-engineered
 * baseline on every target model's test features. Image features are cached per model (the
 * feature store keys them by model id and file hash), so a rerun extracts nothing again.
 */
export async function runTransferSuite(o: RunTransferOptions): Promise<TransferResults> {
  const { suite, wiring, log } = o;
  const targets = [...(o.targets ?? suite.transfer?.targets ?? [])];
  if (targets.length === 0)
    throw new ConfigError(`suite ${suite.name} has no target models`, {
      hint: "pass --targets, e.g. --targets clip-rn101,clip-vit-b32",
    });
  const outDir = resolve(o.outDir);
  const source = await runSuite({ ...o, outDir: join(outDir, "source") });
  const sourceModel: ModelIdentity = {
    ...source.identity.model,
    meaningless: source.identity.meaningless,
  };
  const records: TransferRecord[] = source.records.map((r) => ({
    ...r,
    sourceModel: sourceModel.id,
    targetModel: sourceModel.id,
  }));
  const doneRuns = source.records.filter((r) => r.kind === "strategy" && r.status === "done");
  const datasets = suite.datasets.filter((d) => !source.skippedDatasets.some((s) => s.dataset === d));
  // The source suite's feature store, shared by every backbone (entries are keyed by model id + hash).
  const cacheDir = o.cacheDir ?? join(outDir, "source", "cache");
  const imageCache = await wiring.imageCache(join(cacheDir, "features"));
  const targetIds: ModelIdentity[] = [];
  const notes = [...source.notes];
  const results = (): TransferResults => ({
    formatVersion: 1,
    kind: "transfer",
    createdAt: new Date().toISOString(),
    identity: source.identity,
    source: sourceModel,
    targets: targetIds,
    records,
    skippedDatasets: source.skippedDatasets,
    notes,
  });

  for (const targetSpec of targets) {
    if (o.signal?.aborted) break;
    log(`transfer: loading target ${targetSpec}`);
    const encoder = await wiring.resolveModel(targetSpec, {
      cacheDir: o.cacheDir,
      ...(o.offline ? { offline: true } : {}),
    });
    const model = {
      spec: targetSpec,
      id: encoder.id,
      hash: encoder.modelHash,
      ...(encoder.warning ? { warning: encoder.warning } : {}),
    };
    targetIds.push({ ...model, meaningless: meaninglessReason(model) });
    const textCache = new MemoryEmbeddingCache(200_000);
    for (const datasetName of datasets) {
      if (o.signal?.aborted) break;
      const loaded = await loadSeeds(o, datasetName, resolve(o.dataRoot));
      if ("reason" in loaded) {
        log(`transfer ${datasetName} on ${encoder.id}: skipped: ${loaded.reason}`);
        continue;
      }
      // One feature extraction per distinct test subset (seeds normally share the test split).
      const byKey = new Map<string, SplitFeatures>();
      const testOf = async (ds: Dataset): Promise<SplitFeatures> => {
        const test = balancedSubset(ds.splits.test, suite.maxTestImages);
        const key = sha256Hex(JSON.stringify(test.map((t) => [t.path, t.label])));
        let features = byKey.get(key);
        if (!features) {
          log(`transfer ${datasetName}: features of ${test.length} test images (${encoder.id})`);
          features = await extractFeatures(encoder, test, {
            cache: imageCache,
            ...(o.signal ? { signal: o.signal } : {}),
          });
          byKey.set(key, features);
        }
        return features;
      };
      const first = loaded.bySeed.get(suite.seeds[0] as number) as Dataset;
      const firstTest = await testOf(first);
      for (const b of suite.baselines) {
        const r = await scoreBaseline(o, b, first, encoder, firstTest, textCache);
        records.push({ ...r, sourceModel: encoder.id, targetModel: encoder.id });
      }
      const scorer = new CandidateScorer({
        encoder,
        classNames: first.classNames,
        textCache,
        ...(o.signal ? { signal: o.signal } : {}),
      });
      for (const run of doneRuns.filter((r) => r.dataset === datasetName)) {
        const { reused: _reused, ...measured } = run;
        const base: TransferRecord = {
          ...measured,
          ...nothingMeasured(),
          llmCalls: run.llmCalls,
          costUsd: run.costUsd,
          templates: run.templates,
          curve: run.curve,
          sourceModel: sourceModel.id,
          targetModel: encoder.id,
        };
        try {
          const ds = loaded.bySeed.get(run.seed as number) ?? first;
          const classes = await scorer.chosenEmbeddings(chosenCandidates(run));
          const acc = scorer.score(classes, await testOf(ds));
          records.push({
            ...base,
            testAccuracy: acc.accuracy,
            perClassTest: acc.perClass,
            evaluations: run.templates.length,
          });
        } catch (error) {
          records.push({ ...base, status: "error", reason: displayMessage(error) });
        }
      }
    }
    await encoder.dispose?.();
    await writeTransferOutputs(outDir, results());
  }
  const final = results();
  await writeTransferOutputs(outDir, final);
  return final;
}
