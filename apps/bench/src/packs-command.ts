import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CandidateScorer, ConfigError, extractFeatures, readPromptPack } from "@vlmopt/core";
import type { BenchIo } from "./io.js";
import type { BenchWiring } from "./wiring.js";

export interface PackScore {
  file: string;
  dataset: string;
  prompts: number;
  /** Test accuracy of the pack on `model` now. */
  testAccuracy: number;
  /** The test accuracy the pack records (its own run's). */
  recordedTestAccuracy: number | null;
}

/** The options of `vlmopt-bench packs` (commander's camelCase names). */
export interface PacksValues {
  model: string;
  dataRoot?: string;
}

/**
 * `vlmopt-bench packs <dir> --model <spec> [--data-root <dir>]`: scores every prompt pack (*.json,
 * `vlmopt export`) in a directory on the test split of its own dataset, shots and seed, with one
 * backbone. Prints a table, then one JSON line. A bad pack stops with its ConfigError.
 */
export async function packsCommand(
  dirArg: string,
  values: PacksValues,
  io: BenchIo,
  wiring: BenchWiring,
): Promise<number> {
  const dir = resolve(io.cwd, dirArg);
  const root = resolve(io.cwd, values.dataRoot ?? "../shared/datasets");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort();
  if (files.length === 0)
    throw new ConfigError(`no prompt pack (*.json) in ${dir}`, {
      hint: "write packs with `vlmopt export <run-dir>`",
    });
  const encoder = await wiring.resolveModel(values.model, {});
  const cache = await wiring.imageCache(join(root, ".vlmopt-bench-cache"));
  const rows: PackScore[] = [];
  for (const f of files) {
    const path = join(dir, f);
    const text = readFileSync(path, "utf8");
    const head = JSON.parse(text) as {
      dataset?: { name?: string; shots?: number | null; seed?: number | null };
    };
    const ds = await wiring.resolveDataset(String(head.dataset?.name), {
      root,
      shots: head.dataset?.shots ?? 1,
      seed: head.dataset?.seed ?? 1,
    });
    const { pack, candidates } = readPromptPack(text, path, ds.classNames);
    const scorer = new CandidateScorer({ encoder, classNames: ds.classNames });
    const classes = await scorer.chosenEmbeddings(candidates, pack.ensemble && candidates.length > 1);
    const test = await extractFeatures(encoder, ds.splits.test, { cache });
    rows.push({
      file: f,
      dataset: ds.name,
      prompts: candidates.length,
      testAccuracy: scorer.score(classes, test).accuracy,
      recordedTestAccuracy: pack.scores.test,
    });
  }
  io.stdout(
    `packs in ${dir} — model ${encoder.id}${encoder.warning ? ` (WARNING: ${encoder.warning})` : ""}\n`,
  );
  for (const r of rows) {
    const recorded = r.recordedTestAccuracy === null ? "-" : `${(r.recordedTestAccuracy * 100).toFixed(2)}%`;
    io.stdout(
      `${r.file}\t${r.dataset}\t${r.prompts} prompt(s)\ttest ${(r.testAccuracy * 100).toFixed(2)}%\t(recorded ${recorded})\n`,
    );
  }
  io.stdout(`${JSON.stringify({ bench: "packs", model: encoder.id, rows })}\n`);
  return 0;
}
