import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError, JsonlRunStore, MANIFEST_FILE, type RunManifest, type RunResult } from "@vlmopt/core";
import type { TransferResult } from "../commands/transfer.js";
import type { RunInput } from "./run-input.js";

/** Reads a run directory (manifest.json, events.jsonl, results.json, transfer-*.json). */
export async function readRunInput(runDir: string, id = runDir): Promise<RunInput> {
  if (!existsSync(join(runDir, MANIFEST_FILE))) {
    throw new ConfigError(`${runDir} is not a run directory (no ${MANIFEST_FILE})`, {
      hint: "pass a directory made by `vlmopt optimize`, e.g. runs/eurosat-hill-climb-<time>",
    });
  }
  const store = new JsonlRunStore(runDir);
  const manifest = (await store.readManifest()) as RunManifest;
  const log = await store.readLog();
  const result = (await store.readJson("results")) as RunResult | null;
  const transfers: RunInput["transfers"] = [];
  for (const file of (await readdir(runDir)).sort()) {
    const m = /^(transfer-.+)\.json$/.exec(file);
    if (!m) continue;
    const value = (await store.readJson(m[1] as string)) as TransferResult | null;
    if (value) transfers.push({ file, value });
  }
  return {
    id,
    manifest,
    events: log.events,
    ...(log.tornTail ? { tornTailBytes: log.tornTail.bytes } : {}),
    result,
    transfers,
  };
}
