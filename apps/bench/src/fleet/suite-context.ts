import { join } from "node:path";
import {
  type ClipEncoder,
  type Dataset,
  extractFeatures,
  type LabeledImage,
  type LlmProvider,
  MemoryEmbeddingCache,
  type SplitFeatures,
  sha256Hex,
} from "@vlmopt/core";
import { FleetBudget, type PostgresStore, withAdvisoryLock } from "@vlmopt/store-postgres";
import { checkSuiteImages, identityOf, loadSeeds, type RunSuiteOptions } from "../run-suite.js";
import { balancedSubset } from "../test-subset.js";
import type { BenchWiring } from "../wiring.js";
import type { FleetSpec } from "./fleet-spec.js";

export interface WorkerSettings {
  wiring: BenchWiring;
  env: Record<string, string | undefined>;
  /** Overrides the spec's data root (the datasets' place on this machine). */
  dataRoot?: string;
  cacheDir?: string;
  log: (line: string) => void;
  signal?: AbortSignal;
}

export interface SplitSet {
  train: SplitFeatures;
  val: SplitFeatures | null;
  test: SplitFeatures;
}

/** What a worker loads once per suite and shares between the suite's items. */
export class SuiteContext {
  readonly options: RunSuiteOptions;
  readonly budget: FleetBudget;
  readonly textCache = new MemoryEmbeddingCache(200_000);
  private models: Promise<{ encoder: ClipEncoder; llm: LlmProvider }> | null = null;
  private readonly datasets = new Map<string, ReturnType<typeof loadSeeds>>();
  private readonly features = new Map<string, Promise<SplitFeatures>>();

  constructor(
    readonly suiteKey: string,
    readonly spec: FleetSpec,
    readonly store: PostgresStore,
    readonly settings: WorkerSettings,
  ) {
    this.budget = new FleetBudget(store.pool, suiteKey);
    this.options = {
      suite: spec.suite,
      modelSpec: spec.modelSpec,
      llmSpec: spec.llmSpec,
      dataRoot: settings.dataRoot ?? spec.dataRoot,
      outDir: "",
      parallel: 1,
      budget: {
        perRunUsd: spec.budget.perRunUsd,
        suiteUsd: spec.budget.suiteUsd,
        maxCallsPerRun: spec.budget.maxCallsPerRun,
      },
      wiring: settings.wiring,
      env: settings.env,
      ...(settings.cacheDir ? { cacheDir: settings.cacheDir } : {}),
      ...(spec.offline ? { offline: true } : {}),
      ...(spec.backbone ? { backbone: spec.backbone } : {}),
      log: settings.log,
      ...(settings.signal ? { signal: settings.signal } : {}),
    };
  }

  /** The suite's CLIP model and LLM (resolved once; the identity is recorded in the store). */
  async resolveModels(): Promise<{ encoder: ClipEncoder; llm: LlmProvider }> {
    this.models ??= (async () => {
      const o = this.options;
      const encoder = await o.wiring.resolveModel(o.modelSpec, {
        cacheDir: o.cacheDir,
        ...(o.offline ? { offline: true } : {}),
      });
      const llm = await o.wiring.resolveLlm(o.llmSpec, {
        env: o.env,
        ...(o.cacheDir ? { cacheDir: join(o.cacheDir, "llm") } : {}),
      });
      await this.store.items.setIdentity(this.suiteKey, identityOf(o, encoder, llm, o.suite));
      return { encoder, llm };
    })();
    return this.models;
  }

  /** A dataset's splits for every seed of the suite, or why it cannot be loaded. */
  dataset(name: string): ReturnType<typeof loadSeeds> {
    let got = this.datasets.get(name);
    if (!got) {
      // Every image this machine's runs of the dataset will use is checked before its first LLM call.
      got = loadSeeds(this.options, name, this.options.dataRoot).then(async (loaded) => {
        if ("bySeed" in loaded) await checkSuiteImages(this.options, name, [...loaded.bySeed.values()]);
        return loaded;
      });
      this.datasets.set(name, got);
    }
    return got;
  }

  /** The dataset as a run of the suite sees it: the test split cut to the suite's subset. */
  runDataset(ds: Dataset): Dataset {
    return {
      ...ds,
      splits: { ...ds.splits, test: balancedSubset(ds.splits.test, this.spec.suite.maxTestImages) },
    };
  }

  /**
   * Features of one image set, extracted once for the whole fleet: under an advisory lock named by
   * (model, image list), the first worker encodes and stores them; the others wait, then read them.
   */
  async featuresOf(encoder: ClipEncoder, images: readonly LabeledImage[]): Promise<SplitFeatures> {
    const listHash = sha256Hex(JSON.stringify(images.map((i) => [i.path, i.label])));
    const key = `features:${encoder.id}:${encoder.modelHash}:${listHash}`;
    let got = this.features.get(key);
    if (!got) {
      got = withAdvisoryLock(this.store.pool, key, () =>
        extractFeatures(encoder, images, {
          cache: this.store.features,
          ...(this.settings.signal ? { signal: this.settings.signal } : {}),
        }),
      );
      this.features.set(key, got);
      got.catch(() => this.features.delete(key));
    }
    return got;
  }

  async splitsOf(encoder: ClipEncoder, ds: Dataset): Promise<SplitSet> {
    const run = this.runDataset(ds);
    return {
      train: await this.featuresOf(encoder, run.splits.train),
      val: run.splits.val.length > 0 ? await this.featuresOf(encoder, run.splits.val) : null,
      test: await this.featuresOf(encoder, run.splits.test),
    };
  }
}
