import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "../command-context.js";
import { dryRun } from "../dry-run.js";
import { executeRun } from "../execute-run.js";
import { OPTIONS } from "../options.js";
import { checkOutputDir } from "../output-path.js";
import { absolutePath, prepareRun, str } from "../run-setup.js";
import { storeUrlOf } from "../shared-store.js";

/** 2024-11-21T10:15:00.123Z → 20241121-101500 */
function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

/** runs/<dataset>-<strategy>-<timestamp>, with -2, -3 ... if taken. */
export function newRunDir(out: string, dataset: string, strategy: string, date = new Date()): string {
  const base = join(out, `${dataset}-${strategy}-${timestamp(date)}`);
  let dir = base;
  for (let i = 2; existsSync(dir); i++) dir = `${base}-${i}`;
  return dir;
}

export const optimizeCommand: Command = {
  spec: {
    name: "optimize",
    summary:
      "Optimizes a CLIP prompt template with an LLM: the strategy asks the LLM for templates, each is scored by few-shot CLIP accuracy, and the best is scored on the test split. Writes a run directory (manifest.json, events.jsonl, results.json, report.md, report.html).",
    options: [
      OPTIONS.dataset,
      OPTIONS.dataRoot,
      OPTIONS.shots,
      OPTIONS.seed,
      OPTIONS.fewshotSource,
      OPTIONS.allowFewerShots,
      OPTIONS.fewshotFile,
      OPTIONS.model,
      OPTIONS.llm,
      OPTIONS.strategy,
      OPTIONS.iterations,
      OPTIONS.k,
      OPTIONS.templatesPerCall,
      OPTIONS.temperature,
      OPTIONS.pool,
      OPTIONS.param,
      OPTIONS.budgetUsd,
      OPTIONS.maxCalls,
      OPTIONS.maxTokens,
      OPTIONS.maxEvaluations,
      OPTIONS.priceIn,
      OPTIONS.priceOut,
      OPTIONS.llmBaseUrl,
      OPTIONS.modelBaseUrl,
      OPTIONS.modelPriceImage,
      OPTIONS.modelPriceText,
      OPTIONS.llmTimeout,
      OPTIONS.llmRetries,
      OPTIONS.ensemble,
      OPTIONS.dryRun,
      OPTIONS.noTest,
      OPTIONS.testLimit,
      OPTIONS.out,
      OPTIONS.runDir,
      OPTIONS.store,
      OPTIONS.cacheDir,
      OPTIONS.verifyImages,
      OPTIONS.noLlmCache,
      OPTIONS.threads,
      OPTIONS.dtype,
      OPTIONS.device,
      OPTIONS.offline,
    ],
    examples: [
      "vlmopt optimize --dataset eurosat --data-root ../shared/datasets --shots 1 --seed 1 --model clip-vit-b32 --llm anthropic:claude-sonnet-4-5 --strategy hill-climb --iterations 10 --max-calls 50",
      "vlmopt optimize --dataset eurosat --data-root ../shared/datasets --model random:tiny --llm simulated --test-limit 200",
      "vlmopt optimize --dataset eurosat --data-root ../shared/datasets --model random:tiny --llm anthropic:claude-haiku-4-5 --iterations 20 --dry-run",
    ],
    notes:
      "Exit codes: 0 done, 1 error, 2 usage, 3 budget reached before the requested iterations (results still written), 4 the LLM never produced a usable template (stop no-usable-template, results still written), 130 interrupted (resume with `vlmopt resume <run-dir>`).\nLLM replies are cached on disk under <cache-dir>/llm (keyed by provider kind, base URL, model, the full request, the run seed and the call number), so re-running the same command costs nothing (a cached reply reports the cost its live call had); --no-llm-cache turns this off. Budgets: vlmopt does not start an LLM call whose worst case (the prompt's UTF-8 bytes + the call's max output tokens) could exceed --max-tokens or --budget-usd, so a budget must leave room for one full call.\nSettings also come from VLMOPT_<FLAG> variables (e.g. VLMOPT_DATA_ROOT) and vlmopt.config.json; flags win, then env, then the config file.",
  },
  async run(parsed, { io, registry }) {
    if (parsed.flags.dryRun === true) return dryRun(parsed, io, registry);
    const s = parsed.settings;
    const explicit = str(s, "runDir");
    // Before any model loads: a file, a read-only or a pseudo-filesystem path fails now.
    if (explicit) checkOutputDir(io.cwd, explicit, "--run-dir");
    else checkOutputDir(io.cwd, str(s, "out") ?? "runs", "--out");
    const prepared = await prepareRun(s, { io, registry, command: "optimize", quiet: parsed.json });
    const runDir = explicit
      ? absolutePath(io.cwd, explicit)
      : newRunDir(
          absolutePath(io.cwd, str(s, "out") ?? "runs"),
          prepared.dataset.name,
          prepared.strategy.name,
        );
    const storeUrl = storeUrlOf(s.store, io);
    return executeRun(prepared, io, { runDir, json: parsed.json, verbose: parsed.verbose, storeUrl });
  },
};
