import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { ConfigError } from "@vlmopt/core";
import type { Registry } from "@vlmopt/registry";
import type { Settings } from "./config.js";
import { invalidValue, UsageError } from "./usage-error.js";

/** A --dataset as the loader gets it. */
export interface DatasetArg {
  /** A registry name as given, or own data with its path made absolute (`folder:/abs/dir`, `/abs/x.csv`). */
  spec: string;
  /** The data root (registry datasets); own data needs none (the working directory stands in). */
  root: string;
  own: boolean;
}

const abs = (cwd: string, path: string) => (isAbsolute(path) ? path : resolve(cwd, path));

const OWN_DATA_FORMS =
  "--dataset ./my_folder (one sub-folder of images per class), folder:<dir>, or manifest:<file.csv|.jsonl> (rows path,label[,split])";

/** How to give your own data, for help texts and errors. */
export const OWN_DATA_HINT = `your own data needs no --data-root: ${OWN_DATA_FORMS}`;

/**
 * Own data in a dataset argument, made absolute against `cwd` (the loader would take the process's
 * working directory, and a later `vlmopt resume` may run elsewhere): `folder:<dir>`,
 * `manifest:<file>`, `wds:<dir>`, or a path — one with a slash, or an existing file or folder that is not a
 * registry name. Null for anything else (a registry name, or an unknown one).
 */
export function ownDataSpec(name: string, cwd: string, registryNames: ReadonlySet<string>): string | null {
  const prefixed = /^(folder|manifest|wds):(.+)$/.exec(name);
  if (prefixed) return `${prefixed[1]}:${abs(cwd, (prefixed[2] as string).trim())}`;
  if (registryNames.has(name)) return null;
  const looksLikePath = /[/\\]/.test(name) || name.startsWith(".");
  if (looksLikePath || existsSync(abs(cwd, name))) return abs(cwd, name);
  return null;
}

/** The registry's dataset names and aliases. */
export async function registryNames(registry: Registry): Promise<Set<string>> {
  const list = await registry.listDatasets();
  return new Set(list.flatMap((d) => [d.name, ...(Array.isArray(d.aliases) ? (d.aliases as string[]) : [])]));
}

/** Whether `name` is a dataset that ships with vlmopt (the `demo`): its catalog entry has `embeddedDir`. */
export async function isEmbeddedDataset(registry: Registry, name: string): Promise<boolean> {
  const key = name.trim().toLowerCase();
  const list = await registry.listDatasets();
  return list.some(
    (d) =>
      typeof d.embeddedDir === "string" &&
      (d.name === key || (Array.isArray(d.aliases) && (d.aliases as unknown[]).includes(key))),
  );
}

/** The data root as an absolute path that exists, or a ConfigError saying what to pass. */
export function dataRootOf(settings: Settings, cwd: string, command: string): string {
  const given = settings.dataRoot;
  if (typeof given !== "string") {
    throw new UsageError(
      `missing --data-root: the folder that holds the paper's datasets (eurosat/, oxford_flowers/, … or CoOp's DATA folder), e.g. --data-root ~/data; ${OWN_DATA_HINT}`,
      command,
    );
  }
  const root = abs(cwd, given);
  if (!existsSync(root)) {
    throw new ConfigError(`data root ${root} does not exist (--data-root ${given})`, {
      hint: `pass the folder that holds eurosat/, oxford_flowers/, … (or set VLMOPT_DATA_ROOT); ${OWN_DATA_HINT}`,
    });
  }
  return root;
}

/** Checks a registry dataset name before anything is loaded: a usage error listing the names. */
export async function checkDatasetName(
  registry: Registry,
  name: string,
  option = "--dataset",
): Promise<void> {
  const list = await registry.listDatasets();
  const names = await registryNames(registry);
  if (list.length > 0 && !names.has(name)) {
    throw invalidValue(
      option,
      name,
      `one of: ${list.map((d) => d.name).join(", ")} (see \`vlmopt datasets list\`) — or your own images: ${OWN_DATA_FORMS}`,
    );
  }
}

/**
 * Resolves a dataset argument before anything loads: own data (no --data-root needed; a path that
 * does not exist is a ConfigError naming it), else a registry name (checked against the registry)
 * and the data root (which must exist).
 */
export async function datasetArgOf(
  registry: Registry,
  name: string,
  settings: Settings,
  ctx: { cwd: string; command: string; option?: string },
): Promise<DatasetArg> {
  const option = ctx.option ?? "--dataset";
  const own = ownDataSpec(name, ctx.cwd, await registryNames(registry));
  if (own) {
    const path = own.replace(/^(folder|manifest|wds):/, "");
    if (!existsSync(path)) {
      throw new ConfigError(`${option} ${name}: ${path} does not exist`, {
        hint: `check the path; ${OWN_DATA_HINT}`,
      });
    }
    return { spec: own, root: ctx.cwd, own: true };
  }
  await checkDatasetName(registry, name, option);
  // A dataset that ships with vlmopt (the `demo`) needs no --data-root: the working directory stands in.
  if (settings.dataRoot === undefined && (await isEmbeddedDataset(registry, name))) {
    return { spec: name, root: ctx.cwd, own: false };
  }
  return { spec: name, root: dataRootOf(settings, ctx.cwd, ctx.command), own: false };
}

/** The notes of commands that take a dataset. */
export const DATASET_ARG_NOTES = `Datasets: a name from \`vlmopt datasets list\` (needs --data-root), or ${OWN_DATA_HINT}.`;
