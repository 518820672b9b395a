import { isAbsolute, resolve } from "node:path";
import type { Dataset } from "@vlmopt/core";
import { VlmoptError } from "@vlmopt/core";
import type { Registry, ResolveDatasetOptions } from "@vlmopt/registry";
import type { Settings } from "./config.js";
import type { DatasetArg } from "./dataset-arg.js";
import type { CliIo } from "./io.js";
import { ListedError } from "./listed-error.js";

/** `--fewshot-source` and `--fewshot-file` as loadDataset options. */
export function fewshotOptions(
  settings: Settings,
  cwd: string,
): Pick<ResolveDatasetOptions, "fewshotSource" | "fewshotFile" | "allowFewerShots"> {
  const source = settings.fewshotSource;
  const file = settings.fewshotFile;
  return {
    ...(settings.allowFewerShots === true ? { allowFewerShots: true } : {}),
    ...(source === "coop" || source === "sample" ? { fewshotSource: source } : {}),
    ...(typeof file === "string" ? { fewshotFile: isAbsolute(file) ? file : resolve(cwd, file) } : {}),
  };
}

/** The dataset problem as dataset-loaders reports it (DatasetProblemsError's `problems`). */
interface Problem {
  code: string;
  message: string;
  fix: string;
  file?: string;
  entry?: string;
}

/** At most this many problems are listed under the error line. */
export const MAX_LISTED_PROBLEMS = 5;

function problemsOf(error: unknown): { what: string; problems: Problem[] } | null {
  if (!VlmoptError.isInstance(error) || error.kind !== "dataset-format") return null;
  const { what, problems } = error as unknown as { what?: unknown; problems?: unknown };
  if (typeof what !== "string" || !Array.isArray(problems) || problems.length === 0) return null;
  return { what, problems: problems as Problem[] };
}

/** dataset-loaders' fixes name its API options; the CLI user has flags for them. */
export function cliWording(text: string): string {
  return text
    .replace(/\bfewshotSource "(coop|sample)"/g, "--fewshot-source $1")
    .replace(/\bfewshotFile\b/g, "--fewshot-file <file>")
    .replace(/\bLower shots to\b/g, "Lower --shots to")
    .replace(/\bshots=(\d+)/g, "--shots $1")
    .replace(/\bset allowFewerShots\b/g, "pass --allow-fewer-shots")
    .replace(/\bcheckDataset \(vlmopt datasets check\)/g, "`vlmopt datasets check`");
}

function problemLine(p: Problem): string {
  const where = [
    p.file && !p.message.includes(p.file) ? `file: ${p.file}` : "",
    p.entry && !p.message.includes(p.entry) ? `entry: ${p.entry}` : "",
  ]
    .filter(Boolean)
    .join(", ");
  return `${p.message}${where ? ` (${where})` : ""}`;
}

/**
 * A dataset that cannot be loaded, as the CLI prints it: the first line says what and how to fix
 * it; up to five problems follow, indented, each fix once; `vlmopt datasets check` for the rest.
 */
export function readableDatasetError(
  error: unknown,
  name: string,
  root: string | undefined,
  flags: readonly string[] = [],
): ListedError | null {
  const found = problemsOf(error);
  if (!found) return null;
  const { what, problems } = found;
  const shown = problems.slice(0, MAX_LISTED_PROBLEMS);
  const more = problems.length - shown.length;
  const fixes = [...new Set(shown.map((p) => cliWording(p.fix)))];
  const args = [name, ...(root !== undefined ? ["--data-root", root] : []), ...flags];
  const check = `\`vlmopt datasets check ${args.join(" ")}\``;
  const count = `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
  const oneFix = fixes.length === 1;
  const first = oneFix
    ? `${what} cannot be loaded (${count}) — fix: ${fixes[0]}`
    : `${what} cannot be loaded (${count}) — fix each as listed below; ${check} gives the full report`;
  const details: string[] = [];
  shown.forEach((p, i) => {
    details.push(`  - ${problemLine(p)}`);
    const fix = cliWording(p.fix);
    if (!oneFix && (i === 0 || cliWording(shown[i - 1]?.fix ?? "") !== fix)) details.push(`    fix: ${fix}`);
  });
  if (more > 0) details.push(`  … and ${more} more (${check} lists every problem)`);
  return new ListedError(first, details, "dataset-format", error);
}

/**
 * The flags that make `vlmopt datasets check` select what a load with `options` selects (the same
 * K-shot lists), so that the check the error names finds the same problems.
 */
export function selectionFlags(options: Omit<ResolveDatasetOptions, "root" | "signal">): string[] {
  const flags: string[] = [];
  if (options.shots !== undefined) flags.push("--shots", String(options.shots));
  if (options.seed !== undefined) flags.push("--seed", String(options.seed));
  if (options.fewshotSource) flags.push("--fewshot-source", options.fewshotSource);
  if (options.fewshotFile) flags.push("--fewshot-file", options.fewshotFile);
  return flags;
}

/**
 * Loads a dataset argument (see datasetArgOf) with the K-shot selection and the --fewshot-* flags,
 * a load failure turned into a readable CLI error that names the check selecting the same lists.
 */
export async function loadDatasetFor(
  registry: Registry,
  data: DatasetArg,
  select: { seed: number; shots?: number | undefined },
  settings: Settings,
  io: CliIo,
): Promise<Dataset> {
  const options: ResolveDatasetOptions = {
    root: data.root,
    seed: select.seed,
    ...(select.shots !== undefined ? { shots: select.shots } : {}),
    ...fewshotOptions(settings, io.cwd),
    ...(io.signal ? { signal: io.signal } : {}),
  };
  try {
    return await registry.resolveDataset(data.spec, options);
  } catch (error) {
    throw (
      readableDatasetError(error, data.spec, data.own ? undefined : data.root, selectionFlags(options)) ??
      error
    );
  }
}
