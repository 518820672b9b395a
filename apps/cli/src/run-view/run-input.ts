import type { RunEvent, RunManifest, RunResult } from "@vlmopt/core";
import type { TransferResult } from "../commands/transfer.js";

/** What a run source hands over for one run: its files, parsed, nothing derived yet. */
export interface RunInput {
  /** Id within the source ("/"-separated path relative to the runs folder). */
  id: string;
  manifest: RunManifest;
  events: RunEvent[];
  /** Bytes of a last event line cut off by a crash, if any. */
  tornTailBytes?: number;
  /** results.json; null while the run is going (or was killed). */
  result: RunResult | null;
  /** transfer-*.json files, by file name. */
  transfers: { file: string; value: TransferResult }[];
}
