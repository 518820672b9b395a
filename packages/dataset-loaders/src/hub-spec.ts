import { existsSync } from "node:fs";
import { resolve } from "node:path";

/** `wds:<owner>/<name>[@revision]` that is not a local folder: a hub dataset repo. */
export function isHubWdsSpec(name: string, cwd = process.cwd()): boolean {
  const m = /^wds:([\w.-]+\/[\w.-]+)(@[^:]+)?$/.exec(name);
  return m !== null && !existsSync(resolve(cwd, m[1] as string));
}

/**
 * Whether a dataset name is fetched from the HF hub by its source rather than read from a path:
 * `hf:<repo>...`, or `wds:<owner>/<name>` when no such local folder exists.
 */
export function isHubDatasetSpec(name: string, cwd = process.cwd()): boolean {
  return name.startsWith("hf:") || isHubWdsSpec(name, cwd);
}
