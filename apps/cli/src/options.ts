/** Kinds of option values. "strings" may be repeated (`--template a --template b`). */
export type OptionType = "string" | "number" | "integer" | "boolean" | "strings";

export interface OptionSpec<K extends string = string> {
  /** Flag name without dashes, kebab-case. */
  flag: string;
  /** camelCase key in parsed options and in vlmopt.config.json. */
  key: K;
  type: OptionType;
  short?: string;
  description: string;
  /** Shown in help, e.g. "<dir>". */
  placeholder?: string;
  /** Settable from vlmopt.config.json and VLMOPT_* (flags > env > config > defaults). */
  setting?: boolean;
  defaultValue?: string | number | boolean;
  /** Allowed values. */
  choices?: readonly string[];
  /** Smallest allowed value of a "number" or "integer" option (default 0). */
  min?: number;
  /**
   * The registry entries whose spec forms the help lists after the description (generated from
   * their help lines, so a new provider or backbone appears with no edit here; see spec-forms.ts).
   */
  formsOf?: "llm-provider" | "backbone";
}

/** An option, its key, type and choices kept as literals, so settings read back typed. */
const o = <const S extends OptionSpec>(spec: S): S => spec;

/** Every option any command takes; commands pick from these so that names stay consistent. */
export const OPTIONS = {
  help: o({ flag: "help", key: "help", type: "boolean", short: "h", description: "show this help" }),
  json: o({
    flag: "json",
    key: "json",
    type: "boolean",
    description: "print machine-readable JSON on stdout",
  }),
  verbose: o({
    flag: "verbose",
    key: "verbose",
    type: "boolean",
    description: "print stack traces and every LLM reply",
  }),
  config: o({
    flag: "config",
    key: "config",
    type: "string",
    placeholder: "<file>",
    description: "config file (default: ./vlmopt.config.json if present)",
  }),
  plugin: o({
    flag: "plugin",
    key: "plugins",
    type: "strings",
    placeholder: "<module>",
    description:
      'a package or file that adds LLM providers, models, strategies or datasets (repeatable; "plugins" in the config file, VLMOPT_PLUGIN=a,b)',
    setting: true,
  }),
  dataset: o({
    flag: "dataset",
    key: "dataset",
    type: "string",
    placeholder: "<name>",
    description:
      "a dataset from `vlmopt datasets list`, or your own: ./my_folder (one sub-folder per class), folder:<dir>, manifest:<file.csv>",
    setting: true,
  }),
  dataRoot: o({
    flag: "data-root",
    key: "dataRoot",
    type: "string",
    placeholder: "<dir>",
    description:
      "directory holding the paper's datasets (eurosat/, oxford_flowers/, … or CoOp's DATA folder); not needed for your own data",
    setting: true,
  }),
  shots: o({
    flag: "shots",
    key: "shots",
    type: "integer",
    placeholder: "<k>",
    description: "K in K-shot: training images per class",
    setting: true,
    defaultValue: 1,
    min: 1,
  }),
  seed: o({
    flag: "seed",
    key: "seed",
    type: "integer",
    placeholder: "<n>",
    description: "few-shot split seed and strategy seed",
    setting: true,
    defaultValue: 1,
  }),
  model: o({
    flag: "model",
    key: "model",
    type: "string",
    placeholder: "<spec>",
    description: "CLIP model spec (ids: vlmopt models list)",
    formsOf: "backbone",
    setting: true,
    defaultValue: "clip-vit-b32",
  }),
  llm: o({
    flag: "llm",
    key: "llm",
    type: "string",
    placeholder: "<spec>",
    description: "LLM spec",
    formsOf: "llm-provider",
    setting: true,
  }),
  llmBaseUrl: o({
    flag: "llm-base-url",
    key: "llmBaseUrl",
    type: "string",
    placeholder: "<url>",
    description: "base URL of the LLM API (overrides OPENAI_BASE_URL etc.)",
    setting: true,
  }),
  llmTimeout: o({
    flag: "llm-timeout",
    key: "llmTimeout",
    type: "number",
    placeholder: "<s>",
    description:
      "seconds before one attempt of an LLM call times out (default 60); a timed-out attempt is retried, so one call can take up to --llm-timeout × (--llm-retries + 1) plus the waits between attempts (5m00s + ~8s by default)",
    setting: true,
  }),
  llmRetries: o({
    flag: "llm-retries",
    key: "llmRetries",
    type: "integer",
    placeholder: "<n>",
    description:
      "retries of a failed LLM call (default 4; for HTTP 408/409/429/5xx, timeouts and network errors, with exponential backoff from 0.5s, or the server's Retry-After up to 120s); each retry is shown and logged to events.jsonl",
    setting: true,
  }),
  modelBaseUrl: o({
    flag: "model-base-url",
    key: "modelBaseUrl",
    type: "string",
    placeholder: "<url>",
    description:
      "base URL of an embedding-API backbone (jina:…, openai-compatible-embed:…); overrides JINA_BASE_URL etc. (proxies, gateways, stand-ins)",
    setting: true,
  }),
  modelPriceImage: o({
    flag: "model-price-image",
    key: "modelPriceImage",
    type: "number",
    placeholder: "<usd>",
    description: "embedding-API price per image, USD (when the model's is unknown; with --model-price-text)",
    setting: true,
  }),
  modelPriceText: o({
    flag: "model-price-text",
    key: "modelPriceText",
    type: "number",
    placeholder: "<usd>",
    description: "embedding-API text price, USD per million tokens",
    setting: true,
  }),
  priceIn: o({
    flag: "price-in",
    key: "priceIn",
    type: "number",
    placeholder: "<usd>",
    description: "LLM input price, USD per million tokens (if the model's is unknown)",
    setting: true,
  }),
  priceOut: o({
    flag: "price-out",
    key: "priceOut",
    type: "number",
    placeholder: "<usd>",
    description: "LLM output price, USD per million tokens",
    setting: true,
  }),
  strategy: o({
    flag: "strategy",
    key: "strategy",
    type: "string",
    placeholder: "<name>",
    description: "search strategy: hill-climb, hill-climb-p, hill-climb-pn, ape, random, opro, ...",
    setting: true,
    defaultValue: "hill-climb",
  }),
  iterations: o({
    flag: "iterations",
    key: "iterations",
    type: "integer",
    placeholder: "<n>",
    description: "optimization iterations (LLM steps)",
    setting: true,
  }),
  k: o({
    flag: "k",
    key: "k",
    type: "integer",
    placeholder: "<n>",
    description: "templates shown to the LLM per step (top/bottom k)",
    setting: true,
    min: 1,
  }),
  templatesPerCall: o({
    flag: "templates-per-call",
    key: "templatesPerCall",
    type: "integer",
    placeholder: "<n>",
    description: "templates asked of the LLM per call",
    setting: true,
    min: 1,
  }),
  temperature: o({
    flag: "temperature",
    key: "temperature",
    type: "number",
    placeholder: "<t>",
    description: "LLM sampling temperature",
    setting: true,
  }),
  pool: o({
    flag: "pool",
    key: "pool",
    type: "string",
    placeholder: "<name>",
    description:
      "initial template pool of the strategy, e.g. captions, imagenet80, laion-coco[:seed] (the paper's, sampled from the HF hub)",
    setting: true,
  }),
  param: o({
    flag: "param",
    key: "param",
    type: "strings",
    placeholder: "<name=value>",
    description: "any other strategy parameter, e.g. --param poolSize=20 (repeatable)",
    setting: true,
  }),
  budgetUsd: o({
    flag: "budget-usd",
    key: "budgetUsd",
    type: "number",
    placeholder: "<usd>",
    description: "stop before the LLM cost could exceed this",
    setting: true,
  }),
  maxCalls: o({
    flag: "max-calls",
    key: "maxCalls",
    type: "integer",
    placeholder: "<n>",
    description: "at most this many LLM calls",
    setting: true,
  }),
  maxTokens: o({
    flag: "max-tokens",
    key: "maxTokens",
    type: "integer",
    placeholder: "<n>",
    description: "at most this many LLM tokens (input + output)",
    setting: true,
  }),
  maxEvaluations: o({
    flag: "max-evaluations",
    key: "maxEvaluations",
    type: "integer",
    placeholder: "<n>",
    description: "at most this many template evaluations",
    setting: true,
  }),
  ensemble: o({
    flag: "ensemble",
    key: "ensemble",
    type: "integer",
    placeholder: "<k>",
    description: "choose an ensemble of the top k templates instead of the single best",
    setting: true,
    min: 1,
  }),
  out: o({
    flag: "out",
    key: "out",
    type: "string",
    placeholder: "<dir>",
    description: "parent directory of run directories",
    setting: true,
    defaultValue: "runs",
  }),
  store: o({
    flag: "store",
    key: "store",
    type: "string",
    placeholder: "<postgres://…>",
    description:
      "keep the run (manifest, events, results, image features) in this shared PostgreSQL store too, or VLMOPT_STORE; the run directory mirrors it (never read from a config file; the password is never printed)",
  }),
  runDir: o({
    flag: "run-dir",
    key: "runDir",
    type: "string",
    placeholder: "<dir>",
    description: "exact run directory (default: <out>/<dataset>-<strategy>-<timestamp>)",
  }),
  cacheDir: o({
    flag: "cache-dir",
    key: "cacheDir",
    type: "string",
    placeholder: "<dir>",
    description:
      "model, image-feature and LLM-reply cache (default: the model package's cache dir); replies go to <dir>/llm",
    setting: true,
  }),
  threads: o({
    flag: "threads",
    key: "threads",
    type: "integer",
    placeholder: "<n>",
    description: "CPU threads for the CLIP model",
    setting: true,
    min: 1,
  }),
  dtype: o({
    flag: "dtype",
    key: "dtype",
    type: "string",
    placeholder: "<dtype>",
    description: "ONNX variant of the CLIP model, where its repo has it (fp16, quantized: int8)",
    setting: true,
    choices: ["fp32", "fp16", "quantized"],
  }),
  device: o({
    flag: "device",
    key: "device",
    type: "string",
    placeholder: "<device>",
    description:
      "where the CLIP model runs: cpu, cuda or cuda:N (needs onnxruntime-node installed with ONNXRUNTIME_NODE_INSTALL=cuda12)",
    setting: true,
  }),
  offline: o({
    flag: "offline",
    key: "offline",
    type: "boolean",
    description: "never download models",
    setting: true,
  }),
  verifyImages: o({
    flag: "verify-images",
    key: "verifyImages",
    type: "boolean",
    description:
      "re-read and re-hash every image file instead of trusting the feature store's memo of content hashes by (path, size, mtime, inode)",
  }),
  noLlmCache: o({
    flag: "no-llm-cache",
    key: "noLlmCache",
    type: "boolean",
    description:
      "do not reuse or store LLM replies (by default a call identical to an earlier one — same provider, base URL, model, request, seed and call number — is served from <cache-dir>/llm for free)",
    setting: true,
  }),
  fewshotSource: o({
    flag: "fewshot-source",
    key: "fewshotSource",
    type: "string",
    placeholder: "<src>",
    description:
      "where the K-shot train/val lists come from: coop = CoOp's published lists (the default for the paper's datasets), sample = a seeded sample of the full splits",
    setting: true,
    choices: ["coop", "sample"],
  }),
  allowFewerShots: o({
    flag: "allow-fewer-shots",
    key: "allowFewerShots",
    type: "boolean",
    description:
      "with --fewshot-source sample: let a class with fewer than --shots training images use all it has (without it that is an error); the manifest records the K actually used",
    setting: true,
  }),
  fewshotFile: o({
    flag: "fewshot-file",
    key: "fewshotFile",
    type: "string",
    placeholder: "<file>",
    description:
      "a CoOp few-shot file to take the K-shot lists from (shot_K-seed_S.json or .pkl, or a per-dataset <name>.json.gz)",
    setting: true,
  }),
  dryRun: o({
    flag: "dry-run",
    key: "dryRun",
    type: "boolean",
    description:
      "estimate the run's LLM calls, tokens and cost before spending money: the whole loop runs with the simulated provider (not an LLM, no key needed, free) priced as --llm, and nothing is kept",
  }),
  noTest: o({
    flag: "no-test",
    key: "noTest",
    type: "boolean",
    description: "do not score the chosen template on the test split",
    setting: true,
  }),
  testLimit: o({
    flag: "test-limit",
    key: "testLimit",
    type: "integer",
    placeholder: "<n>",
    description: "score on n test images spread evenly over the split (quick checks)",
    setting: true,
    min: 1,
  }),
  template: o({
    flag: "template",
    key: "template",
    type: "strings",
    short: "t",
    placeholder: "<text>",
    description: 'a template with {} for the class name, e.g. "a photo of a {}." (repeatable)',
  }),
  packOut: o({
    flag: "pack-out",
    key: "packOut",
    type: "string",
    placeholder: "<file>",
    description: "where to write the prompt pack (default <run-dir>/prompt-pack.json)",
  }),
  prompts: o({
    flag: "prompts",
    key: "prompts",
    type: "string",
    placeholder: "<pack.json>",
    description: "score a prompt pack written by `vlmopt export` (templates or per-class descriptions)",
  }),
  templatesFile: o({
    flag: "templates-file",
    key: "templatesFile",
    type: "string",
    placeholder: "<file>",
    description: "JSON array of templates, or one template per line",
  }),
  split: o({
    flag: "split",
    key: "split",
    type: "string",
    placeholder: "<split>",
    description: "split to score on",
    choices: ["train", "val", "test"],
    defaultValue: "test",
  }),
  ensembleFlag: o({
    flag: "ensemble",
    key: "ensemble",
    type: "boolean",
    description: "also score the ensemble (mean class embeddings) of all templates",
  }),
  limit: o({
    flag: "limit",
    key: "limit",
    type: "integer",
    placeholder: "<n>",
    description: "score on n images spread evenly over the split",
    min: 1,
  }),
  html: o({
    flag: "html",
    key: "html",
    type: "string",
    placeholder: "<file>",
    description: "write the HTML report here (default: <run-dir>/report.html)",
  }),
  md: o({
    flag: "md",
    key: "md",
    type: "string",
    placeholder: "<file>",
    description: "write the Markdown report here (default: <run-dir>/report.md)",
  }),
  runs: o({
    flag: "runs",
    key: "runs",
    type: "string",
    placeholder: "<dir>",
    description: "folder of run directories and bench suites to show",
    defaultValue: "runs",
  }),
  uiStore: o({
    flag: "store",
    key: "store",
    type: "string",
    placeholder: "<postgres://…>",
    description:
      "show the runs of this shared PostgreSQL store instead of a folder, or VLMOPT_STORE (an explicit --runs wins over VLMOPT_STORE); read-only, the password is never printed",
  }),
  port: o({
    flag: "port",
    key: "port",
    type: "integer",
    placeholder: "<n>",
    description: "port to listen on (0: any free port)",
    defaultValue: 8787,
  }),
  host: o({
    flag: "host",
    key: "host",
    type: "string",
    placeholder: "<address>",
    description: "address to bind; beyond loopback it needs --token",
    defaultValue: "127.0.0.1",
  }),
  token: o({
    flag: "token",
    key: "token",
    type: "string",
    placeholder: "<secret>",
    description:
      "secret every request must carry (default: VLMOPT_UI_TOKEN); required with a non-loopback --host",
  }),
} as const satisfies Record<string, OptionSpec>;

/** Options every command accepts. */
export const GLOBAL_OPTIONS = [
  OPTIONS.help,
  OPTIONS.json,
  OPTIONS.verbose,
  OPTIONS.config,
  OPTIONS.plugin,
] as const;

/** The setting options: those that vlmopt.config.json and VLMOPT_* may set. */
export const SETTINGS: readonly OptionSpec[] = Object.values(OPTIONS).filter(
  (spec: OptionSpec) => spec.setting === true,
);

/** The value an option of this spec gives: a number for "number"/"integer", a choice, ... */
export type OptionValue<S extends OptionSpec> = S extends OptionSpec ? ValueOfSpec<S> : never;

type ValueOfSpec<S extends OptionSpec> = S["type"] extends "boolean"
  ? boolean
  : S["type"] extends "strings"
    ? string[]
    : S["type"] extends "string"
      ? S["choices"] extends readonly (infer C extends string)[]
        ? C
        : string
      : number;

/** The settings a list of options gives, by key, each optional and of its option's type. */
export type SettingsOf<O extends readonly OptionSpec[]> = {
  [K in O[number]["key"]]?: OptionValue<Extract<O[number], { key: K }>>;
};

/** Settings of any command: every option's key with its type. */
export type Settings = SettingsOf<(typeof OPTIONS)[keyof typeof OPTIONS][]>;

/** VLMOPT_DATA_ROOT for dataRoot. */
export function envName(spec: OptionSpec): string {
  return `VLMOPT_${spec.flag.replace(/-/g, "_").toUpperCase()}`;
}
