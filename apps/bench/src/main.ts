import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Option } from "@commander-js/extra-typings";
import {
  type AnyCommand,
  addCompletionCommand,
  addHelpNotes,
  createProgram,
  EXIT,
  inCliForm,
  runProgram,
  UsageError,
} from "@vlmopt/cli-kit";
import { ConfigError, VlmoptError } from "@vlmopt/core";
import { isPostgresUrl, maskUrlsIn, STORE_ENV, storeUrlFrom } from "@vlmopt/store-postgres";
import {
  enqueueCommand,
  STATUS_NOTES,
  type StatusValues,
  statusCommand,
  storeReportCommand,
  WORKER_NOTES,
  type WorkerValues,
  workerCommand,
} from "./fleet/fleet-commands.js";
import { DEFAULT_LEASE_SECONDS, type FleetSpec, suiteKeyOf } from "./fleet/fleet-spec.js";
import { PERF_FLEET_NOTES, type PerfFleetValues, perfFleetCommand } from "./fleet/perf-fleet.js";
import { runWorker } from "./fleet/worker.js";
import type { BenchIo } from "./io.js";
import { writeSuiteOutputs } from "./outputs.js";
import { type PacksValues, packsCommand } from "./packs-command.js";
import { measureLoop } from "./perf-loop.js";
import { measureDescriptionScore, measureScore, type ScorePerfRow } from "./perf-score.js";
import { hasPublishedNumbers, type PublishedTable } from "./published.js";
import { readPublishedTable } from "./published-file.js";
import { transferMeaningless, writeTransferOutputs } from "./render-transfer.js";
import { runSuite } from "./run-suite.js";
import { getSuite, SUITES, selectFromSuite } from "./suites.js";
import { textTable } from "./timing.js";
import { runTransferSuite, type TransferResults } from "./transfer-suite.js";
import type { SuiteResults } from "./types.js";
import { VERSION } from "./version.js";
import { type BenchWiring, createDefaultWiring } from "./wiring.js";

export { EXIT };

export interface RunOptions {
  wiring?: BenchWiring;
  signal?: AbortSignal;
}

const TITLE = "vlmopt-bench — shared accuracy and performance benchmarks for vlmopt";

const MAIN_EXAMPLES = [
  `vlmopt-bench run --suite <${Object.keys(SUITES).join("|")}> --llm <spec> --model <clip id> [options]`,
  "vlmopt-bench perf score [--model random:vit-b32] [--classes 10,102,1000] [--reps 3]",
  "vlmopt-bench perf loop [--model random:vit-b32] [--data-root ../shared/datasets] [--iterations 10]",
  "vlmopt-bench perf fleet --store postgres://… [--runs 200] [--workers 1,2,4]",
  "vlmopt-bench report <suite-dir>",
  "vlmopt-bench run --suite <name> … --queue postgres://…",
  "vlmopt-bench worker --queue postgres://… [--concurrency N]",
  "vlmopt-bench status --queue postgres://… [--json]",
  "vlmopt-bench report --store postgres://… [--suite-key K]",
];

const MAIN_NOTES =
  "`run --queue` enqueues the grid in a shared store and returns; `worker` runs queued items (any number of machines); `status` shows queued, running, done, failed, cost and ETA; `report --store` writes the suite's outputs from the store.";

const RUN_NOTES =
  "An interrupted suite resumes when the same command is run again: finished runs are not redone.\nOutputs in the suite directory: results.csv, results.json, results.md, report.html.";

const PERF_NOTES =
  "perf score: cost of scoring one template on C classes with cached image features, as a ratio to the bare text-encoder time for C texts (target ≤ 1.05).\nperf loop: overhead of a 10-iteration hill-climb on EuroSAT 1-shot, LLM time excluded (simulated provider, features cached; target < 5 s).\nBoth print a table, then one JSON line.";

const REPORT_NOTES = `Re-renders results.csv, results.md and report.html from <suite-dir>/results.json, or writes them from a shared store's records (--store, or ${STORE_ENV} when no directory is given) into --out (default bench-runs/<suite-key>).

--published <file.json>: published numbers to show beside the measured ones, e.g. the paper's table typed in from the paper (vlmopt-bench embeds none):
  {"source": "Liu et al., CVPR 2024, 1-shot table", "backbone": "CLIP RN50",
   "protocol": "1-shot, seeds 1-3",
   "rows": {"hill-climb-pn": {"eurosat": 61.2, "dtd": 44.0}}}
rows: method id → dataset → accuracy in percent. Method ids are the row ids of results.csv; they are shown side by side only when the suite's backbone is the table's. Without it, the table stored in results.json is used. The file's JSON Schema: apps/bench/schemas/published.schema.json.`;

/** The commander program of vlmopt-bench; `done` receives each action's exit code. */
function buildProgram(io: BenchIo, wiring: BenchWiring, signal: AbortSignal | undefined) {
  const ctx = createProgram({ name: "vlmopt-bench", version: VERSION, title: TITLE, io });
  const { program } = ctx;
  program.usage("<command> [options]");
  addHelpNotes(ctx, program, { notes: MAIN_NOTES, examples: MAIN_EXAMPLES });
  const done = (code: number) => {
    ctx.exitCode = code;
  };

  const run = program
    .command("run")
    .summary("a grid of optimization runs plus baselines, resumable")
    .description("vlmopt-bench run — a grid of optimization runs plus baselines, resumable")
    .usage("--suite <name> --llm <spec> --model <clip id> [options]")
    .option(
      "--suite <name>",
      Object.values(SUITES)
        .map((s) => `${s.name}: ${s.description}`)
        .join("\n"),
    )
    .option("--llm <spec>", "LLM provider, e.g. anthropic:<model>, openai:<model>, simulated")
    .option(
      "--model <clip id>",
      "CLIP model: clip-vit-b32, clip-vit-b16, clip-vit-l14, a local ONNX export dir, random:tiny",
    )
    .option("--data-root <dir>", "datasets root (default ../shared/datasets)")
    .option("--out <dir>", "where suite directories go (default bench-runs/)")
    .option("--datasets <a,b>", "only these datasets of the suite")
    .option("--strategies <a,b>", "only these methods (strategies and baselines) of the suite")
    .option("--seeds <1,2,3>", "only these seeds")
    .option("--parallel <n>", "runs at once (default 2)")
    .option("--budget-usd-per-run <x>", "USD cap of each run")
    .option(
      "--budget-usd-suite <y>",
      "USD cap of the whole suite (no run starts once it is reached; never exceeded)",
    )
    .option("--max-calls-per-run <n>", "LLM calls per run")
    .option(
      "--targets <a,b>",
      "transfer suite: target models (default clip-rn101,clip-vit-b32,clip-vit-b16); --model is the source (default clip-rn50), e.g. --model random:rn50 --targets random:rn101,random:vit-b32 offline",
    )
    .option("--max-test-images <n>", "score on at most n class-balanced test images per dataset")
    .option(
      "--backbone <name>",
      "the CLIP backbone when the model id does not say it (e.g. rn50 for a local RN50 export)",
    )
    .option(
      "--cache-dir <dir>",
      "model cache (default: clip-embedding's); image features go to <dir>/features (default: <suite-dir>/cache/features)",
    )
    .option("--offline", "never download models")
    .option(
      "--published <file.json>",
      'the paper\'s numbers, typed in from its table, to show beside yours (the embedded table is empty; format: see "vlmopt-bench report --help")',
    )
    .option(
      "--queue <postgres://…>",
      'enqueue the grid in this shared store and return; workers run it ("vlmopt-bench worker"); the password is never printed',
    )
    .option(
      "--store <postgres://…>",
      `run here, with runs, events and features in this shared store (also ${STORE_ENV}); results are written to the suite directory too`,
    )
    .option("--budget-calls-suite <n>", "LLM calls of the whole suite, across all workers (never exceeded)")
    .option(
      "--lease-seconds <s>",
      `with --queue/--store: how long a silent worker keeps its runs (default ${DEFAULT_LEASE_SECONDS})`,
    )
    .action(async (values) => done(await runCommand(values, io, wiring, signal)));
  addHelpNotes(ctx, run as AnyCommand, { notes: RUN_NOTES });

  const perf = program
    .command("perf")
    .summary("performance benchmarks: score, loop, fleet")
    .usage("<score|loop|fleet> [options]");
  addHelpNotes(ctx, perf as AnyCommand, { notes: PERF_NOTES });
  for (const which of ["score", "loop"] as const) {
    const cmd = perf
      .command(which)
      .summary(
        which === "score"
          ? "cost of scoring one template on C classes, as a ratio to bare text encoding (target ≤ 1.05)"
          : "overhead of a 10-iteration hill-climb on EuroSAT 1-shot, LLM time excluded (target < 5 s)",
      )
      .option("--model <id>", "default random:vit-b32 (the ViT-B/32-shaped random-weight model)")
      .option("--cache-dir <dir>", "model cache (default: clip-embedding's)");
    const full =
      which === "score"
        ? cmd
            .option("--classes <list>", "class counts C (default 10,102,1000)")
            .option("--reps <n>", "timed repetitions per C (default 5; the median is reported)")
        : cmd
            .option("--data-root <dir>", "default ../shared/datasets")
            .option("--iterations <n>", "default 10");
    full.action(async (values) => done(await perfCommand(which, values, io, wiring)));
    addHelpNotes(ctx, full as AnyCommand, { notes: PERF_NOTES });
  }
  const fleet = perf
    .command("fleet")
    .summary("fleet throughput: queue N runs, run them with 1, 2, 4 worker processes")
    .option("--store <postgres://…>", `the store (or ${STORE_ENV})`)
    .option(
      "--runs <n>",
      "runs per measurement (default 200: EuroSAT 1-shot seeds 1-2, random search, 3 LLM steps)",
    )
    .option("--workers <1,2,4>", "worker processes per measurement")
    .option("--model <id>", "default random:tiny")
    .option("--data-root <dir>", "default ../shared/datasets")
    .action(async (values: PerfFleetValues) => done(await perfFleetCommand(values, io, wiring)));
  addHelpNotes(ctx, fleet as AnyCommand, { notes: PERF_FLEET_NOTES });

  const report = program
    .command("report")
    .summary("re-render a suite's outputs, from its directory or a shared store")
    .argument("[suite-dir]")
    .usage("<suite-dir> | --store <postgres://…> [options]")
    .option("--published <file.json>", "published numbers to show beside the measured ones (below)")
    .option("--store <postgres://…>", `a shared store's records (or ${STORE_ENV} when no directory is given)`)
    .addOption(new Option("--queue <postgres://…>").hideHelp())
    .option("--suite-key <key>", "the suite in the store")
    .option("--out <dir>", "where the outputs go (default bench-runs/<suite-key>)")
    .action(async (dir, values) => done(await reportCommand(dir, values, io)));
  addHelpNotes(ctx, report as AnyCommand, {
    notes: REPORT_NOTES,
    examples: [
      "vlmopt-bench report <suite-dir> [--published <file.json>]",
      "vlmopt-bench report --store <postgres://…> [--suite-key K] [--out <dir>]",
    ],
  });

  program
    .command("packs")
    .summary("score every prompt pack (vlmopt export) in a folder on its own dataset's test split")
    .argument("<dir>")
    .requiredOption("--model <clip id>", "the backbone to score the packs with")
    .option("--data-root <dir>", "default ../shared/datasets")
    .action(async (dir, values: PacksValues) => done(await packsCommand(dir, values, io, wiring)));

  const worker = program
    .command("worker")
    .summary("run queued suite items; start any number, on any machines")
    .option("--queue <postgres://…>", `the store (or ${STORE_ENV}); the password is never printed`)
    .addOption(new Option("--store <postgres://…>").hideHelp())
    .option("--concurrency <n>", "runs at once in this process (default 1)")
    .option("--data-root <dir>", "where the datasets are on this machine (default: the enqueuer's)")
    .option("--cache-dir <dir>", "model cache (default: clip-embedding's)")
    .option("--exit-when-done", "stop once nothing is queued or running (default: wait for more work)")
    .option("--poll-seconds <s>", "how often an idle worker looks for work (default 2)")
    .action(async (values: WorkerValues) => done(await workerCommand(values, io, wiring, signal)));
  addHelpNotes(ctx, worker as AnyCommand, { notes: WORKER_NOTES });

  const status = program
    .command("status")
    .summary("the grid: queued, running, done, failed, cost so far, ETA")
    .option("--queue <postgres://…>", `the store (or --store, or ${STORE_ENV})`)
    .addOption(new Option("--store <postgres://…>").hideHelp())
    .option("--suite-key <key>", "one suite (default: all)")
    .option("--json", 'one JSON object: {"queued","running","done","failed","costUsd","etaSeconds","suites"}')
    .action(async (values: StatusValues) => done(await statusCommand(values, io)));
  addHelpNotes(ctx, status as AnyCommand, { notes: STATUS_NOTES });

  addCompletionCommand(ctx);
  return ctx;
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
}

function numberOpt(name: string, value: string | undefined, integer = false): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new ConfigError(
      `--${name} is "${value}"; it must be ${integer ? "a whole number" : "a number"} ≥ 0`,
    );
  }
  return n;
}

function seedsOpt(value: string | undefined): number[] | undefined {
  const items = list(value);
  if (!items) return undefined;
  return items.map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0)
      throw new ConfigError(`--seeds has "${s}"; seeds are whole numbers ≥ 0`);
    return n;
  });
}

/** A directory-safe slug of a spec (e.g. "anthropic:claude-x" → "anthropic-claude-x"). */
export function slug(text: string): string {
  return (
    text
      .replace(/[^A-Za-z0-9._-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 80) || "x"
  );
}

/** Help and messages name vlmopt-bench and vlmopt commands in the form that was run (`pnpm vlmopt-bench …`). */
function namedIo(io: BenchIo): BenchIo {
  const named = (text: string) => inCliForm(inCliForm(text, io.env, "vlmopt-bench"), io.env);
  return { ...io, stdout: (text) => io.stdout(named(text)), stderr: (text) => io.stderr(named(text)) };
}

/**
 * Runs the bench with argv (without node and script); returns the exit code: the same codes as
 * `vlmopt` (0 ok, 1 error, 2 usage — here also a bad flag value or file, 130 interrupted).
 */
export async function run(argv: readonly string[], ioIn: BenchIo, options: RunOptions = {}): Promise<number> {
  const io = namedIo(ioIn);
  const wiring = options.wiring ?? createDefaultWiring();
  const ctx = buildProgram(io, wiring, options.signal);
  // No connection string's password in any error text.
  const urls = [...argv, io.env[STORE_ENV] ?? ""].filter((a) => isPostgresUrl(a));
  return runProgram(ctx, argv, {
    mapError: (error) => (urls.length > 0 ? maskedError(error, urls) : error),
    exitCodeOf: (error) => (ConfigError.isInstance(error) ? EXIT.usage : undefined),
    printError: (_io, error) => {
      const text = VlmoptError.isInstance(error)
        ? error.toDisplayString()
        : ((error as Error)?.stack ?? String(error));
      io.stderr(`error: ${text}\n`);
    },
  });
}

function maskedError(error: unknown, urls: string[]): unknown {
  if (!(error instanceof Error)) return error;
  error.message = maskUrlsIn(error.message, urls);
  if (error.stack) error.stack = maskUrlsIn(error.stack, urls);
  const hint = (error as { hint?: unknown }).hint;
  if (typeof hint === "string") (error as { hint?: string }).hint = maskUrlsIn(hint, urls);
  return error;
}

/** The options of `run`, as commander gives them (camelCase). */
export interface RunValues {
  suite?: string;
  llm?: string;
  model?: string;
  dataRoot?: string;
  out?: string;
  datasets?: string;
  strategies?: string;
  seeds?: string;
  parallel?: string;
  budgetUsdPerRun?: string;
  budgetUsdSuite?: string;
  maxCallsPerRun?: string;
  backbone?: string;
  cacheDir?: string;
  offline?: boolean;
  published?: string;
  queue?: string;
  store?: string;
  budgetCallsSuite?: string;
  leaseSeconds?: string;
  targets?: string;
  maxTestImages?: string;
}

async function runCommand(
  given: RunValues,
  io: BenchIo,
  wiring: BenchWiring,
  signal: AbortSignal | undefined,
): Promise<number> {
  const values = { ...given };
  const published = values.published
    ? await readPublishedTable(resolve(io.cwd, values.published))
    : undefined;
  if (values.suite && !values.model) values.model = getSuite(values.suite).transfer?.defaultSource;
  for (const required of ["suite", "llm", "model"] as const) {
    if (!values[required]) throw new UsageError(`run needs --${required}`);
  }
  const picked = selectFromSuite(getSuite(values.suite as string), {
    ...(values.datasets ? { datasets: list(values.datasets) as string[] } : {}),
    ...(values.strategies ? { strategies: list(values.strategies) as string[] } : {}),
    ...(values.seeds ? { seeds: seedsOpt(values.seeds) as number[] } : {}),
  });
  const maxTest = numberOpt("max-test-images", values.maxTestImages, true);
  if (maxTest !== null && maxTest < 1) throw new ConfigError("--max-test-images must be at least 1");
  const suite = maxTest !== null ? { ...picked, maxTestImages: maxTest } : picked;
  const targets = list(values.targets);
  if (targets && !suite.transfer)
    throw new ConfigError(`--targets applies to a transfer suite; suite ${suite.name} is not one`, {
      hint: "use --suite transfer",
    });
  if (targets?.length === 0) throw new ConfigError("--targets is empty; name at least one model");
  const parallel = numberOpt("parallel", values.parallel, true) ?? 2;
  if (parallel < 1) throw new ConfigError("--parallel must be at least 1");
  const givenRoot = values.dataRoot ?? "../shared/datasets";
  const dataRoot = resolve(io.cwd, givenRoot);
  if (!existsSync(dataRoot)) {
    io.stderr(
      `error: data root ${dataRoot} does not exist (--data-root ${givenRoot}) — pass the directory that holds eurosat/, oxford_flowers/, … e.g. --data-root ../shared/datasets\n`,
    );
    return EXIT.error;
  }
  const out = resolve(io.cwd, values.out ?? "bench-runs");
  const suiteKey = suiteKeyOf(suite.name, slug(values.model as string), slug(values.llm as string));
  const suiteDir = join(out, suiteKey);
  const queueUrl = values.queue !== undefined ? storeUrlFrom(values.queue, {}, "--queue") : null;
  const storeUrl = queueUrl ? null : storeUrlFrom(values.store, io.env);
  if ((queueUrl || storeUrl) && suite.transfer)
    throw new ConfigError(`suite ${suite.name} runs locally only; --queue/--store are not supported for it`);
  if (queueUrl || storeUrl) {
    const lease = numberOpt("lease-seconds", values.leaseSeconds) ?? DEFAULT_LEASE_SECONDS;
    if (lease < 2) throw new ConfigError("--lease-seconds must be at least 2");
    const spec: FleetSpec = {
      formatVersion: 1,
      suite,
      modelSpec: values.model as string,
      llmSpec: values.llm as string,
      dataRoot,
      budget: {
        perRunUsd: numberOpt("budget-usd-per-run", values.budgetUsdPerRun),
        suiteUsd: numberOpt("budget-usd-suite", values.budgetUsdSuite),
        maxCallsPerRun: numberOpt("max-calls-per-run", values.maxCallsPerRun, true),
        suiteCalls: numberOpt("budget-calls-suite", values.budgetCallsSuite, true),
      },
      ...(values.backbone ? { backbone: values.backbone } : {}),
      ...(values.offline ? { offline: true } : {}),
      leaseSeconds: lease,
    };
    if (queueUrl) return enqueueCommand(io, queueUrl, suiteKey, spec);
    // --store: enqueue, run a worker here until the suite is done, then write its outputs.
    await enqueueCommand(io, storeUrl as string, suiteKey, spec);
    await runWorker({
      url: storeUrl as string,
      concurrency: parallel,
      wiring,
      env: io.env,
      ...(values.cacheDir ? { cacheDir: resolve(io.cwd, values.cacheDir) } : {}),
      exitWhenDone: true,
      exitWhenSuiteDone: suiteKey,
      pollSeconds: 0.5,
      log: (line) => io.stderr(`${line}\n`),
      ...(signal ? { signal } : {}),
    });
    await storeReportCommand(io, storeUrl as string, suiteKey, suiteDir);
    return signal?.aborted ? EXIT.interrupted : EXIT.ok;
  }
  if (values.budgetCallsSuite !== undefined)
    throw new ConfigError("--budget-calls-suite needs a shared store (--queue or --store)");
  io.stderr(`suite ${suite.name} → ${suiteDir}\n`);
  const options = {
    suite,
    modelSpec: values.model as string,
    llmSpec: values.llm as string,
    dataRoot,
    outDir: suiteDir,
    parallel,
    budget: {
      perRunUsd: numberOpt("budget-usd-per-run", values.budgetUsdPerRun),
      suiteUsd: numberOpt("budget-usd-suite", values.budgetUsdSuite),
      maxCallsPerRun: numberOpt("max-calls-per-run", values.maxCallsPerRun, true),
    },
    wiring,
    env: io.env,
    ...(values.cacheDir ? { cacheDir: resolve(io.cwd, values.cacheDir) } : {}),
    ...(values.offline ? { offline: true } : {}),
    ...(values.backbone ? { backbone: values.backbone } : {}),
    ...(published ? { published } : {}),
    log: (line: string) => io.stderr(`${line}\n`),
    ...(signal ? { signal } : {}),
  };
  if (suite.transfer) {
    const t = await runTransferSuite({ ...options, ...(targets ? { targets } : {}) });
    const warning = transferMeaningless(t);
    if (warning) io.stdout(`WARNING: ${warning}\n`);
    io.stdout(
      `transfer ${t.source.id} → ${t.targets.map((m) => m.id).join(", ")}: ${t.records.filter((r) => r.status === "done").length} of ${t.records.length} rows scored; ${t.skippedDatasets.length} datasets skipped\n` +
        `results: ${join(suiteDir, "results.md")}\nreport:  ${join(suiteDir, "report.html")}\n`,
    );
    return signal?.aborted ? EXIT.interrupted : EXIT.ok;
  }
  const results = await runSuite(options);
  const done = results.records.filter((r) => r.status === "done").length;
  if (results.identity.meaningless) io.stdout(`WARNING: ${results.identity.meaningless}\n`);
  io.stdout(
    `${done} of ${results.records.length} runs and baselines finished; ${results.skippedDatasets.length} datasets skipped\n` +
      `results: ${join(suiteDir, "results.md")}\nreport:  ${join(suiteDir, "report.html")}\n`,
  );
  return signal?.aborted ? EXIT.interrupted : EXIT.ok;
}

export interface ReportValues {
  published?: string;
  store?: string;
  queue?: string;
  suiteKey?: string;
  out?: string;
}

async function reportCommand(dir: string | undefined, values: ReportValues, io: BenchIo): Promise<number> {
  const storeUrl = storeUrlFrom(values.store ?? values.queue, dir === undefined ? io.env : {});
  if (storeUrl) return storeReportCommand(io, storeUrl, values.suiteKey, values.out ?? dir);
  if (!dir) throw new UsageError("report needs a suite directory");
  const file = join(resolve(io.cwd, dir), "results.json");
  if (!existsSync(file))
    throw new ConfigError(`${file} does not exist`, {
      hint: "pass the directory a `run` printed as its suite directory",
    });
  const published = values.published
    ? await readPublishedTable(resolve(io.cwd, values.published))
    : undefined;
  const results = JSON.parse(readFileSync(file, "utf8")) as SuiteResults & { published?: PublishedTable };
  if ((results as { kind?: string }).kind === "transfer") {
    await writeTransferOutputs(resolve(io.cwd, dir), results as unknown as TransferResults);
    io.stdout(`report: ${join(resolve(io.cwd, dir), "report.html")}\n`);
    return EXIT.ok;
  }
  const stored = results.published && hasPublishedNumbers(results.published) ? results.published : undefined;
  await writeSuiteOutputs(resolve(io.cwd, dir), results, published ?? stored);
  io.stdout(`report: ${join(resolve(io.cwd, dir), "report.html")}\n`);
  return EXIT.ok;
}

export interface PerfValues {
  model?: string;
  classes?: string;
  reps?: string;
  dataRoot?: string;
  iterations?: string;
  cacheDir?: string;
}

async function perfCommand(
  which: "score" | "loop",
  values: PerfValues,
  io: BenchIo,
  wiring: BenchWiring,
): Promise<number> {
  const modelSpec = values.model ?? "random:vit-b32";
  io.stderr(
    `loading ${modelSpec} (a random-weight model is generated on first use; this can take a while)\n`,
  );
  const encoder = await wiring.resolveModel(modelSpec, {
    ...(values.cacheDir ? { cacheDir: resolve(io.cwd, values.cacheDir) } : {}),
  });
  const model = { spec: modelSpec, id: encoder.id, hash: encoder.modelHash, dim: encoder.dim };
  if (which === "score") {
    const classes = (list(values.classes) ?? ["10", "102", "1000"]).map(
      (c) => numberOpt("classes", c, true) as number,
    );
    const reps = Math.max(1, numberOpt("reps", values.reps, true) ?? 5);
    const rows: ScorePerfRow[] = [];
    for (const c of classes) {
      io.stderr(`scoring with C = ${c} ...\n`);
      rows.push(await measureScore(encoder, c, reps));
    }
    // A per-class description set (CuPL/DCLIP/WaffleCLIP size: 8 texts per class) on the smallest C.
    const descClasses = Math.min(...classes);
    io.stderr(`scoring a description set with C = ${descClasses}, 8 texts per class ...\n`);
    rows.push(await measureDescriptionScore(encoder, descClasses, 8, reps));
    const target = 1.05;
    io.stdout(
      `perf score — model ${encoder.id} (spec ${modelSpec}, dim ${encoder.dim}); median of ${reps} reps\n${textTable(
        ["C", "texts/class", "images", "text encode ms", "score ms", "ratio"],
        rows.map((r) => [
          String(r.classes),
          String(r.textsPerClass),
          String(r.images),
          r.textEncodeMs.toFixed(1),
          r.scoreMs.toFixed(1),
          r.ratio.toFixed(3),
        ]),
      )}\ntarget: ratio ≤ ${target}\n`,
    );
    io.stdout(
      `${JSON.stringify({ bench: "score", model, target, pass: rows.every((r) => r.ratio <= target), rows })}\n`,
    );
    return EXIT.ok;
  }
  // perf loop
  {
    const iterations = numberOpt("iterations", values.iterations, true) ?? 10;
    const root = resolve(io.cwd, values.dataRoot ?? "../shared/datasets");
    const dataset = await wiring.resolveDataset("eurosat", { root, shots: 1, seed: 1 });
    const llm = await wiring.resolveLlm("simulated", { env: io.env });
    const strategy = await wiring.resolveStrategy(
      "hill-climb-pn",
      { iterations },
      { datasetName: "eurosat" },
    );
    const r = await measureLoop({ encoder, llm, strategy, dataset, iterations });
    const targetMs = 5000;
    io.stdout(
      `perf loop — ${iterations}-iteration hill-climb (P+N) on EuroSAT 1-shot, model ${encoder.id} (spec ${modelSpec}), LLM ${llm.provider}:${llm.modelId}\n${textTable(
        ["measure", "value"],
        [
          ["LLM calls", String(r.llmCalls)],
          ["templates scored", String(r.evaluations)],
          ["wall ms", r.wallMs.toFixed(1)],
          ["LLM ms (excluded)", r.llmMs.toFixed(1)],
          ["text encode ms", r.textEncodeMs.toFixed(1)],
          ["overhead ms", r.overheadMs.toFixed(1)],
          ["  of which not text encoding", r.loopOnlyMs.toFixed(1)],
        ],
      )}\ntarget: overhead < ${targetMs} ms\n`,
    );
    io.stdout(
      `${JSON.stringify({ bench: "loop", model, llm: `${llm.provider}:${llm.modelId}`, targetMs, pass: r.overheadMs < targetMs, ...r })}\n`,
    );
    return EXIT.ok;
  }
}
