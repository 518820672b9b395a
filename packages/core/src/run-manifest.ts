import type { Budget } from "./budget.js";

/** What a run was: enough to reproduce it and to tell runs apart. Never holds API keys. */
export interface RunManifest {
  /** Format version of the manifest. */
  manifestVersion: 1;
  runId: string;
  createdAt: string;
  /** Package name → version of the vlmopt packages that made the run. */
  versions: Record<string, string>;
  model: { id: string; hash: string; warning?: string };
  llm: { provider: string; modelId: string; warning?: string };
  dataset: {
    name: string;
    /** The K actually used (see DatasetProvenance.shots). */
    shots?: number;
    /** The K asked for, when it was more than some class had. */
    shotsRequested?: number;
    seed?: number;
    root?: string;
    splitHash?: string;
    counts: Record<string, number>;
  };
  strategy: { name: string; params: Record<string, string | number | boolean | null> };
  budget: Budget;
  seed: number;
  /** Free-form options of the app that started the run (CLI flags, bench suite), minus secrets. */
  options?: Record<string, unknown>;
}
