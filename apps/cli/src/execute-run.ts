import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  type BudgetLimit,
  candidateLabel,
  type EmbeddingUsage,
  JsonlRunStore,
  MANIFEST_FILE,
  modelWarningLine,
  type OptimizeOptions,
  optimize,
  type RunObserver,
  type RunResult,
  type RunStore,
} from "@vlmopt/core";
import { llmImageLoader } from "@vlmopt/llm-providers";
import { printJson } from "./command-context.js";
import { printError } from "./error-output.js";
import { EXIT, exitCodeOf } from "./exit-codes.js";
import { pct, shownPath, table, usageLine, usd } from "./format.js";
import type { CliIo } from "./io.js";
import { createProgressObserver } from "./progress.js";
import { writeReport } from "./report/write-report.js";
import type { PreparedRun } from "./run-setup.js";
import { openSharedRun } from "./shared-store.js";
import { collectVersions } from "./versions.js";

export interface ExecuteOptions {
  runDir: string;
  /** A shared PostgreSQL store the run is kept in too (the run directory mirrors it). */
  storeUrl?: string | null;
  json: boolean;
  verbose: boolean;
}

/** What every CLI run of the loop passes to optimize(): the prepared plugins, store, observers, Ctrl-C. */
export function loopOptions(
  prepared: PreparedRun,
  io: CliIo,
  store: RunStore,
  observers: RunObserver[],
): OptimizeOptions {
  return {
    strategy: prepared.strategy,
    llm: prepared.llm,
    encoder: prepared.encoder,
    dataset: prepared.dataset,
    store,
    budget: prepared.budget,
    seed: prepared.seed,
    observers,
    ...(io.signal ? { signal: io.signal } : {}),
    imageCache: prepared.imageCache,
    verifyImages: prepared.verifyImages,
    ...(prepared.spend ? { spend: prepared.spend } : {}),
    ...(prepared.llm.acceptsImages && prepared.llm.imageVendor
      ? { loadImage: llmImageLoader(prepared.llm.imageVendor) }
      : {}),
  };
}

/** Runs (or resumes) the loop in a run directory, writes the report, prints the summary. */
export async function executeRun(prepared: PreparedRun, io: CliIo, options: ExecuteOptions): Promise<number> {
  const { runDir } = options;
  const shown = shownPath(io.cwd, runDir);
  const progress = createProgressObserver(io, { verbose: options.verbose, quiet: options.json });
  const warnings = new Set<string>();
  if (prepared.encoder.warning) warnings.add(modelWarningLine(prepared.encoder.id, prepared.encoder.warning));
  if (!options.json) {
    const d = prepared.dataset;
    io.stderr(
      `run ${shown}: ${d.name} (train ${d.splits.train.length}, val ${d.splits.val.length}, test ${d.splits.test.length} images) · model ${prepared.encoder.id} · llm ${prepared.llm.provider}:${prepared.llm.modelId} · strategy ${prepared.strategy.name}\n`,
    );
  }
  for (const w of warnings) io.stderr(`warning: ${w}\n`);
  const shared = options.storeUrl ? await openSharedRun(options.storeUrl, runDir) : null;
  if (shared && !options.json) io.stderr(`store: ${shared.shownUrl}\n`);
  const store = shared ? shared.store : new JsonlRunStore(runDir);
  let result: RunResult;
  try {
    result = await optimize({
      ...loopOptions(prepared, io, store, [progress]),
      ...(shared ? { imageCache: shared.imageCache } : {}),
      evaluateTest: prepared.evaluateTest,
      ensembleTopK: prepared.ensembleTopK,
      versions: collectVersions(),
      manifestOptions: prepared.manifestOptions,
    });
  } catch (error) {
    progress.done();
    // Core stops on an abort itself; anything else (e.g. a provider error) ends the run here.
    if (!existsSync(join(runDir, MANIFEST_FILE))) throw error;
    printError(io, error, options.verbose);
    io.stderr(`what was done is saved in ${shown}\nresume with: vlmopt resume ${shown}\n`);
    return EXIT.error;
  } finally {
    progress.done();
    store.close();
    await shared?.close();
  }
  const report = await writeReport(runDir);
  const code = exitCodeOf(result.stop);
  if (options.json) {
    printJson(io, { runDir, exitCode: code, report, ...result });
    return code;
  }
  io.stdout(summaryText(result, shown, prepared.dataset.splits.test.length));
  io.stdout(`report: ${shownPath(io.cwd, report.html)} (and report.md)\n`);
  if (result.stop.kind === "aborted") {
    io.stderr(`interrupted: what was done is saved in ${shown}\nresume with: vlmopt resume ${shown}\n`);
  } else if (result.stop.kind === "budget") {
    io.stderr(
      `budget reached (${result.stop.limit}) before the requested iterations; results are saved in ${shown}\n`,
    );
    const note = budgetNote(result.stop.limit);
    if (note) io.stderr(`${note}\n`);
  } else if (result.stop.kind === "no-usable-template") {
    io.stderr(
      `no usable template: the LLM never produced one in ${result.stop.llmCalls} calls (exit code ${code}); --verbose prints every reply — check that --llm names an instruction-following model\n`,
    );
  }
  return code;
}

/**
 * Why a token or USD budget can stop a run before it looks spent: core refuses a call whose worst
 * case could exceed the budget.
 */
export function budgetNote(limit: BudgetLimit): string | null {
  if (limit !== "maxTokens" && limit !== "maxUsd") return null;
  const flag = limit === "maxTokens" ? "--max-tokens" : "--budget-usd";
  const worst =
    limit === "maxTokens"
      ? "the prompt's UTF-8 bytes (+ 8 per message) plus the call's max output tokens × samples"
      : "that many tokens at the model's prices: the prompt's UTF-8 bytes (+ 8 per message) as input plus the call's max output tokens × samples";
  return `note: vlmopt does not start an LLM call whose worst case could exceed the budget (${worst}), so ${flag} must leave room for one full call on top of what was used`;
}

/** An embedding API's usage, apart from the LLM's: requests sent, inputs, cache hits, cost. */
export function embeddingUsageLine(e: EmbeddingUsage): string {
  const cost = e.costUsd === null ? "cost unknown (the model's price is not known)" : usd(e.costUsd);
  return `${e.requests} API requests (${e.images} images, ${e.texts} texts sent; ${e.cachedImages} images and ${e.cachedTexts} texts from the cache), ${cost}`;
}

export function summaryText(result: RunResult, runDir: string, testCount: number): string {
  const lines: string[] = [];
  lines.push("", `Top templates (of ${result.history.length} scored):`);
  const top = result.top.slice(0, 5);
  lines.push(
    table(
      ["#", "train", "val", "template"],
      top.map((t, i) => [String(i + 1), pct(t.trainAccuracy), pct(t.valAccuracy), candidateLabel(t)]),
    ),
  );
  const c = result.chosen;
  if (c) {
    // A template is quoted; a prompt set is its summary (its texts are in report.md / report.html).
    const shown = c.templates.map((t, i) => {
      const prompts = c.prompts?.[i];
      return prompts ? candidateLabel({ template: t, prompts }) : JSON.stringify(t);
    });
    const what = c.ensemble ? `ensemble of ${c.templates.length}: ${shown.join(", ")}` : (shown[0] as string);
    const test =
      c.testAccuracy === null
        ? "test not scored"
        : `test ${pct(c.testAccuracy)} (${testCount.toLocaleString("en-US")} images)`;
    lines.push(
      "",
      `Chosen: ${what}`,
      `  train ${pct(c.trainAccuracy)} · val ${pct(c.valAccuracy)} · ${test}`,
    );
  }
  lines.push(
    "",
    `Usage: ${usageLine(result.usage)}${result.replayedCalls ? ` (${result.replayedCalls} replayed from the log)` : ""}`,
  );
  if (result.embeddingUsage) lines.push(`Embeddings: ${embeddingUsageLine(result.embeddingUsage)}`);
  lines.push(
    `Stop: ${result.stop.kind}${result.stop.kind === "budget" ? ` (${result.stop.limit})` : ""} · run directory: ${runDir}`,
  );
  for (const w of result.warnings) lines.push(`WARNING: ${w}`);
  return `${lines.join("\n")}\n`;
}
