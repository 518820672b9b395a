/**
 * `pnpm bench:strategies`: mean best train accuracy per strategy per LLM-call budget on the
 * synthetic task (see synthetic-task.ts) with the simulated provider (@vlmopt/llm-providers, `--llm simulated`: word-level edits, not an LLM), over 10 seeds.
 * Prints a table, then one JSON line. Options: --budgets 5,10,20 --seeds 10 --strategies a,b.
 */
import { parseArgs } from "node:util";
import { compareStrategies, formatTable } from "./compare.js";

const DEFAULT_STRATEGIES = [
  "hill-climb",
  "hill-climb-p",
  "hill-climb-code",
  "random",
  "opro",
  "ape",
  "ape-iterative",
  "hill-climb-descriptions",
  "waffle",
  "dclip",
  "cupl",
  "proapo",
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      budgets: { type: "string", default: "5,10,20" },
      seeds: { type: "string", default: "10" },
      strategies: { type: "string", default: DEFAULT_STRATEGIES.join(",") },
    },
  });
  const budgets = values.budgets.split(",").map(Number);
  const seedCount = Number(values.seeds);
  if (budgets.some((b) => !Number.isInteger(b) || b < 0) || !Number.isInteger(seedCount) || seedCount < 1) {
    throw new Error(
      `--budgets must be whole numbers and --seeds a positive whole number (got ${values.budgets}, ${values.seeds})`,
    );
  }
  const seeds = Array.from({ length: seedCount }, (_, i) => i);
  const strategies = values.strategies.split(",").filter(Boolean);
  const started = Date.now();
  const cells = await compareStrategies({ strategies, budgets, seeds });
  console.log(
    `Mean best train accuracy over ${seeds.length} seeds — synthetic task (10 classes, 8 shots), simulated provider (word-level edits, not an LLM), budget = LLM calls.`,
  );
  console.log(
    "Every strategy except ape/ape-iterative first scores the same 80-template captions pool; opro takes 4 samples per call.",
  );
  console.log(formatTable(cells));
  console.log(
    JSON.stringify({
      bench: "strategies",
      task: "synthetic",
      llm: "simulated",
      seeds: seeds.length,
      budgets,
      results: cells.map((c) => ({
        strategy: c.strategy,
        budget: c.budget,
        meanBestTrainAccuracy: c.mean,
        perSeed: c.best,
      })),
      seconds: (Date.now() - started) / 1000,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
