import type { RunInput } from "../run-view/run-input.js";

/** A bench suite as the UI lists it: its results.json and whether report.html is there. */
export interface SuiteInput {
  id: string;
  /** The suite's results.json (vlmopt-bench's SuiteResults, formatVersion 1), as read. */
  results: SuiteResultsDocument;
  /** The bench's own report.html (paper table, heat map, published numbers), if written. */
  reportHtml: string | null;
}

/** The parts of vlmopt-bench's results.json that the UI reads (the CLI does not import the bench). */
export interface SuiteResultsDocument {
  formatVersion: number;
  createdAt: string;
  identity: {
    suite: string;
    model: { id: string };
    llm: { provider: string; modelId: string };
    meaningless: string | null;
    shots: number;
    seeds: number[];
  };
  records: {
    dataset: string;
    method: string;
    methodLabel: string;
    kind: string;
    seed: number | null;
    status: string;
    testAccuracy: number | null;
    llmCalls: number;
    runDir?: string;
  }[];
}

/**
 * Where the UI reads runs and suites from. The run folder is one source (DirectoryRunSource);
 * a database-backed run store plugs in by implementing this, and `startUiServer` takes any.
 * Every method is read-only.
 */
export interface RunSource {
  readonly specificationVersion: "v1";
  /** Shown in the UI's header, e.g. the runs folder. */
  readonly location: string;
  listRuns(): Promise<string[]>;
  /** null when no such run exists in this source (never a path outside it). */
  readRun(id: string): Promise<RunInput | null>;
  listSuites(): Promise<string[]>;
  readSuite(id: string): Promise<SuiteInput | null>;
  /** Run id of a suite record's run directory, when that run is in this source. */
  runIdOfDir?(runDir: string): string | null;
  /** Calls back with the ids of runs that may have changed; returns a function that stops it. */
  watch(onChange: (runIds: string[]) => void): () => void;
}
