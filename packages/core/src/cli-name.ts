/** The words that follow the program's name in a command line a message names. */
const COMMAND_WORDS = [
  "optimize",
  "eval",
  "resume",
  "transfer",
  "report",
  "models",
  "datasets",
  "strategies",
  "ui",
  "--help",
  "<command>",
  "<group>",
  "run",
  "smoke",
  "perf",
  "grid",
];

/**
 * How the user can run a program of this workspace again, for the commands that messages name:
 * `pnpm vlmopt` when it was run through pnpm (the README's `pnpm vlmopt …`, which pnpm runs as
 * `pnpm exec vlmopt` from node_modules/.bin — no `vlmopt` is on the shell's PATH after
 * `pnpm install`), else the bare name (an `npm i -g` install, or a shell where it is on PATH).
 * pnpm sets npm_config_user_agent ("pnpm/10.34.9 npm/? node/v20…") for what it runs.
 *
 * Why a bin and not a root script: "the exec part is actually optional when the command is not in
 * conflict with a builtin pnpm command" (https://pnpm.io/cli/exec), and exec prints no banner,
 * while `pnpm run` prints "> pkg@ script" on stdout unless the reporter is "silent" (pnpm 10.34.9's
 * run handler: `silent: opts.reporter === "silent"`) — and `reporter=silent` in .npmrc would also
 * hide `pnpm install`'s errors (its silent reporter drops ERR_PNPM_* errors).
 */
export function cliName(program: string, env: Record<string, string | undefined>): string {
  return /^pnpm\//.test(env.npm_config_user_agent ?? "") ? `pnpm ${program}` : program;
}

/**
 * `text` with every command line it names ("`vlmopt resume <dir>`", "vlmopt datasets check …")
 * in the form `cliName` gives. Leaves other uses of the word alone (vlmopt.config.json,
 * @vlmopt/core, vlmopt-bench, "vlmopt does not start …").
 */
export function inCliForm(text: string, env: Record<string, string | undefined>, program = "vlmopt"): string {
  const name = cliName(program, env);
  if (name === program) return text;
  const words = COMMAND_WORDS.map((w) => w.replace(/[-<>]/g, "\\$&")).join("|");
  // Not after "pnpm ": text already in that form (a report's status line) is left as it is.
  const re = new RegExp(`(?<![\\w@/.-])(?<!pnpm )${program}(?= (?:${words})(?![\\w-]))`, "g");
  return text.replace(re, name);
}

/** What pnpm sets for what it runs; with it `cliName` gives the README's `pnpm <program>` form. */
const README_ENV = { npm_config_user_agent: "pnpm/" };

/**
 * `text` with the commands it names in the form the README documents (`pnpm vlmopt resume …`),
 * for text that is read later, outside any process, so the form that was run is unknown: run
 * reports (report.md, report.html, the run page), a bench suite's results.
 */
export function inReadmeForm(text: string, program = "vlmopt"): string {
  return inCliForm(text, README_ENV, program);
}
