import { defineCommand } from "./command.js";
import { DATASET_ARG_NOTES } from "./dataset-arg.js";
import { OPTIONS, type OptionSpec } from "./options.js";

// What each command is — its name, summary, options, examples — and no behaviour: main.ts builds
// the command line from this table and imports a command's code only when it runs, so `vlmopt
// --help` loads none of it.

/** Options that may differ on resume (where things are, not what the run is). */
export const OVERRIDABLE = [
  OPTIONS.dataRoot,
  OPTIONS.llmBaseUrl,
  OPTIONS.modelBaseUrl,
  OPTIONS.llmTimeout,
  OPTIONS.llmRetries,
  OPTIONS.cacheDir,
  OPTIONS.verifyImages,
  OPTIONS.noLlmCache,
  OPTIONS.threads,
  OPTIONS.dtype,
  OPTIONS.device,
  OPTIONS.offline,
] as const;

/** The options of `datasets download` (its own; not settings). */
export const DOWNLOAD_OPTIONS = [
  {
    flag: "root",
    key: "root",
    type: "string",
    placeholder: "<dir>",
    description:
      "data root the dataset goes under, in CoOp's layout (default: --data-root / VLMOPT_DATA_ROOT, else ./data)",
  },
  {
    flag: "dry-run",
    key: "dryRun",
    type: "boolean",
    description: "list the files, their sizes and checksums, and download nothing",
  },
  {
    flag: "force",
    key: "force",
    type: "boolean",
    description: "replace a dataset folder that is there but does not pass `datasets check`",
  },
  {
    flag: "mirror",
    key: "mirror",
    type: "string",
    placeholder: "<url>",
    description: "fetch every file from <url>/<file name> instead (checksums still apply)",
  },
  {
    flag: "splits",
    key: "splits",
    type: "string",
    placeholder: "<dir>",
    description:
      "folder with CoOp's split_zhou_<Name>.json[.gz] and fewshot/<name>.json.gz, laid out like ../shared/datasets/coop_splits (default: VLMOPT_COOP_SPLITS); vlmopt does not ship them",
  },
  {
    flag: "keep-archives",
    key: "keepArchives",
    type: "boolean",
    description: "keep the downloaded archives in <root>/.vlmopt-downloads after unpacking",
  },
] as const satisfies readonly OptionSpec[];

export const optimizeSpec = defineCommand({
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
});

export const evalSpec = defineCommand({
  name: "eval",
  summary:
    "Scores given templates (e.g. the hand-engineered ones) on a split of a dataset, optionally as a CLIP prompt ensemble.",
  options: [
    OPTIONS.template,
    OPTIONS.templatesFile,
    OPTIONS.prompts,
    OPTIONS.dataset,
    OPTIONS.dataRoot,
    OPTIONS.split,
    OPTIONS.ensembleFlag,
    OPTIONS.limit,
    OPTIONS.shots,
    OPTIONS.seed,
    OPTIONS.fewshotSource,
    OPTIONS.allowFewerShots,
    OPTIONS.fewshotFile,
    OPTIONS.model,
    OPTIONS.cacheDir,
    OPTIONS.verifyImages,
    OPTIONS.store,
    OPTIONS.threads,
    OPTIONS.dtype,
    OPTIONS.device,
    OPTIONS.offline,
  ],
  examples: [
    'vlmopt eval --template "a centered satellite photo of {}." --template "a photo of a {}." --dataset eurosat --data-root ../shared/datasets --split test --ensemble',
  ],
});

export const resumeSpec = defineCommand({
  name: "resume",
  summary:
    "Continues a stopped, interrupted or killed run from its event log: recorded LLM replies and scores are replayed, so no finished LLM call or evaluation is repeated, and the result equals an uninterrupted run's. The run's settings come from its manifest.json.",
  positionals: ["<run-dir>"],
  options: [...OVERRIDABLE, OPTIONS.store],
  examples: ["vlmopt resume runs/eurosat-hill-climb-20250101-120000"],
});

export const transferSpec = defineCommand({
  name: "transfer",
  summary:
    "Re-scores every template of a run on another CLIP backbone (the paper's transfer result) without calling the LLM, and scores the run's chosen template(s) on the test split. Writes transfer-<model>.json into the run directory.",
  positionals: ["<run-dir>"],
  options: [
    OPTIONS.model,
    OPTIONS.dataRoot,
    OPTIONS.noTest,
    OPTIONS.testLimit,
    OPTIONS.cacheDir,
    OPTIONS.verifyImages,
    OPTIONS.store,
    OPTIONS.threads,
    OPTIONS.dtype,
    OPTIONS.device,
    OPTIONS.offline,
  ],
  examples: ["vlmopt transfer runs/eurosat-hill-climb-20250101-120000 --model clip-vit-b16"],
});

export const reportSpec = defineCommand({
  name: "report",
  summary:
    "Writes a run's Markdown report and a self-contained HTML report: the run page of `vlmopt ui` (accuracy vs LLM calls, baselines, the LLM conversation, per-class accuracy, cost and time, parameters, transfers), with no script.",
  positionals: ["<run-dir>"],
  options: [OPTIONS.html, OPTIONS.md, OPTIONS.store],
  examples: ["vlmopt report runs/eurosat-hill-climb-20250101-120000 --html eurosat.html"],
});

export const exportSpec = defineCommand({
  name: "export",
  summary:
    "Writes the templates or per-class descriptions a run chose as a JSON prompt pack (schema: packages/core/prompt-pack.schema.json), with dataset, shots, seed, backbone and scores.",
  positionals: ["<run-dir>"],
  options: [OPTIONS.packOut],
  examples: ["vlmopt export runs/demo-waffle-20250101-120000 --pack-out waffle-pack.json"],
});

export const uiSpec = defineCommand({
  name: "ui",
  summary:
    "Serves a local, read-only web app over a folder of runs and bench suites (or a shared PostgreSQL store's runs, --store): a live run list, each run's page (the report.html page), run comparisons with mean ± std over seeds, and suite tables. Ctrl-C stops it.",
  positionals: [],
  options: [OPTIONS.runs, OPTIONS.uiStore, OPTIONS.port, OPTIONS.host, OPTIONS.token],
  examples: [
    "vlmopt ui --runs runs",
    "vlmopt ui --runs bench-out --port 0",
    "vlmopt ui --store postgres://user:password@host:5432/vlmopt",
  ],
});

export const modelsListSpec = defineCommand({
  name: "models list",
  summary: "Lists the CLIP models vlmopt knows by name (any local directory or HF repo id works too).",
  options: [],
  examples: ["vlmopt models list"],
});

export const modelsDownloadSpec = defineCommand({
  name: "models download",
  summary:
    "Downloads a CLIP model into the model cache (so later runs work offline) and checks that it loads.",
  positionals: ["<id>"],
  options: [OPTIONS.cacheDir, OPTIONS.threads, OPTIONS.dtype, OPTIONS.device],
  examples: ["vlmopt models download clip-vit-b32"],
});

export const datasetsListSpec = defineCommand({
  name: "datasets list",
  summary: "Lists the datasets vlmopt can load: the paper's 11, and how to use your own.",
  options: [],
  examples: ["vlmopt datasets list"],
});

export const datasetsCheckSpec = defineCommand({
  name: "datasets check",
  summary:
    "Checks a dataset on disk as `vlmopt optimize` would use it: the split, the class names, the K-shot lists that --shots/--seed/--fewshot-source/--fewshot-file select, every listed image; says how to fix each problem.",
  positionals: ["<name>"],
  options: [OPTIONS.dataRoot, OPTIONS.shots, OPTIONS.seed, OPTIONS.fewshotSource, OPTIONS.fewshotFile],
  examples: [
    "vlmopt datasets check eurosat --data-root ../shared/datasets --shots 1 --seed 1",
    "vlmopt datasets check ./my_folder",
    "vlmopt datasets check demo",
  ],
  notes: DATASET_ARG_NOTES,
});

export const datasetsDownloadSpec = defineCommand({
  name: "datasets download",
  summary:
    "Downloads one of the paper's datasets into CoOp's layout (resumable, checksummed, safely unpacked), adds CoOp's split file and few-shot lists from --splits, and runs `datasets check`.",
  positionals: ["<name>"],
  options: DOWNLOAD_OPTIONS,
  examples: [
    "vlmopt datasets download eurosat --root data --splits ../shared/datasets/coop_splits",
    "vlmopt datasets download dtd --root data --dry-run",
    "vlmopt datasets download imagenet",
  ],
  notes:
    "Files go to <root>/.vlmopt-downloads first (an interrupted download resumes when run again), are unpacked into a temporary folder and renamed into place only when complete. vlmopt does not ship CoOp's split files: pass --splits <dir> (or set VLMOPT_COOP_SPLITS); without it the images are still downloaded and unpacked, and the output ends with the split file needed, where CoOp's DATASETS.md links it and where to put it. ImageNet, StanfordCars and UCF101 cannot be fetched automatically: the command says why and how to arrange a copy, and checks it once it is there.",
});

export const strategiesListSpec = defineCommand({
  name: "strategies list",
  summary:
    "Lists the search strategies (for --strategy) with their parameters and defaults (set them with --iterations, --k, ... or --param name=value).",
  options: [],
  examples: ["vlmopt strategies list", "vlmopt strategies list --json"],
});
