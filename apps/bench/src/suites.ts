import { ConfigError } from "@vlmopt/core";
import { DATASETS } from "@vlmopt/dataset-loaders";
import type { SuiteBaseline, SuiteSpec, SuiteStrategy } from "./types.js";

/** The paper's 11 datasets, in the column order of its tables (the dataset registry's order). */
export const PAPER_DATASETS: readonly string[] = DATASETS.map((d) => d.name);

export const PAPER_STRATEGIES: readonly SuiteStrategy[] = [
  { method: "hill-climb-p", label: "Hill-climb (P only)", strategy: "hill-climb-p", params: {} },
  { method: "hill-climb-pn", label: "Hill-climb (P+N)", strategy: "hill-climb-pn", params: {} },
  { method: "hill-climb-code", label: "Hill-climb (official code)", strategy: "hill-climb-code", params: {} },
  { method: "ape", label: "APE", strategy: "ape", params: {} },
  { method: "ape-iterative", label: "APE (iterative)", strategy: "ape-iterative", params: {} },
  { method: "random", label: "Random search", strategy: "random", params: {} },
  { method: "opro", label: "OPRO", strategy: "opro", params: {} },
  { method: "cupl", label: "CuPL (descriptions)", strategy: "cupl", params: {} },
  { method: "dclip", label: "DCLIP (descriptors)", strategy: "dclip", params: {} },
  { method: "waffle", label: "WaffleCLIP (random descriptors)", strategy: "waffle", params: {} },
  {
    method: "hill-climb-descriptions",
    label: "Hill-climb on descriptions",
    strategy: "hill-climb-descriptions",
    params: {},
  },
  { method: "proapo", label: "ProAPO (templates, then descriptions)", strategy: "proapo", params: {} },
];

export const BASELINES: readonly SuiteBaseline[] = [
  { method: "class-name", label: 'Class name only ("{}")', templates: ["{}"] },
  { method: "a-photo-of", label: '"a photo of a {}."', templates: ["a photo of a {}."] },
  { method: "hand-engineered", label: "Hand-engineered (ensemble)", templates: { pool: "hand-engineered" } },
  { method: "imagenet80", label: "80-template ensemble", templates: { pool: "imagenet80" } },
];

export const SUITES: Readonly<Record<string, SuiteSpec>> = {
  "paper-1shot": {
    name: "paper-1shot",
    description:
      "The paper's 1-shot grid: 11 datasets × 7 template strategies + 5 class-specific (CuPL, DCLIP, WaffleCLIP, hill-climb on descriptions, ProAPO) × seeds 1–3, plus four zero-LLM baselines.",
    datasets: PAPER_DATASETS,
    strategies: PAPER_STRATEGIES,
    baselines: BASELINES,
    seeds: [1, 2, 3],
    shots: 1,
    runBudget: {},
  },
  smoke: {
    name: "smoke",
    description:
      "An offline pipeline check: EuroSAT and Flowers102, 2 strategies with 3 LLM steps, seed 1, 500 test images per dataset.",
    datasets: ["eurosat", "oxford_flowers"],
    strategies: [
      {
        method: "hill-climb-pn",
        label: "Hill-climb (P+N)",
        strategy: "hill-climb-pn",
        params: { iterations: 3, pool: "basic" },
      },
      { method: "random", label: "Random search", strategy: "random", params: { iterations: 3 } },
    ],
    baselines: BASELINES,
    seeds: [1],
    shots: 1,
    runBudget: { maxLlmCalls: 12 },
    maxTestImages: 500,
  },
  transfer: {
    name: "transfer",
    description:
      "The paper's transfer table: hill-climb (P+N) on the source backbone (--model, default clip-rn50) over 11 datasets × seeds 1–3; its chosen templates re-scored on each target (--targets, default clip-rn101, clip-vit-b32, clip-vit-b16) against the target's own hand-engineered baseline.",
    datasets: PAPER_DATASETS,
    strategies: PAPER_STRATEGIES.filter((s) => s.method === "hill-climb-pn"),
    baselines: BASELINES.filter((b) => b.method === "hand-engineered"),
    seeds: [1, 2, 3],
    shots: 1,
    runBudget: {},
    transfer: { defaultSource: "clip-rn50", targets: ["clip-rn101", "clip-vit-b32", "clip-vit-b16"] },
  },
};

export function getSuite(name: string): SuiteSpec {
  const suite = SUITES[name];
  if (suite) return suite;
  throw new ConfigError(`unknown suite "${name}"`, { hint: `use one of: ${Object.keys(SUITES).join(", ")}` });
}

/** Narrows a suite to the datasets, strategies and seeds named on the command line. */
export function selectFromSuite(
  suite: SuiteSpec,
  pick: { datasets?: string[]; strategies?: string[]; seeds?: number[] },
): SuiteSpec {
  const check = (what: string, names: string[] | undefined, known: readonly string[]) => {
    for (const n of names ?? []) {
      if (!known.includes(n)) {
        throw new ConfigError(`--${what} names "${n}", which is not in suite "${suite.name}"`, {
          hint: `valid: ${known.join(", ")}`,
        });
      }
    }
  };
  const methods = [...suite.strategies.map((s) => s.method), ...suite.baselines.map((b) => b.method)];
  check("datasets", pick.datasets, suite.datasets);
  check("strategies", pick.strategies, methods);
  const keep = pick.strategies;
  return {
    ...suite,
    datasets: pick.datasets ?? suite.datasets,
    strategies: keep ? suite.strategies.filter((s) => keep.includes(s.method)) : suite.strategies,
    baselines: keep ? suite.baselines.filter((b) => keep.includes(b.method)) : suite.baselines,
    seeds: pick.seeds ?? suite.seeds,
  };
}

/** Column headers as the paper writes them (the registry's display names). */
export const DATASET_LABELS: Readonly<Record<string, string>> = Object.fromEntries(
  DATASETS.map((d) => [d.name, d.displayName]),
);

/** Row order: baselines first, then strategies, as in the paper's table. */
export const METHOD_ORDER: readonly string[] = [
  ...BASELINES.map((b) => b.method),
  ...PAPER_STRATEGIES.map((s) => s.method),
];

export const datasetLabel = (name: string): string => DATASET_LABELS[name] ?? name;
