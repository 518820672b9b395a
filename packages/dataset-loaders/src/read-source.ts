import { ConfigError, matchSpec } from "@vlmopt/core";
import type { BuiltinDatasetSource } from "./dataset-source-entry.js";
import type { HfOptions } from "./hf/hf-source.js";
import { datasetSourcePlugins } from "./plugins.js";
import type { ProblemList } from "./problems.js";
import { getDatasetInfo } from "./registry.js";
import type { DatasetSource } from "./source.js";
import type { WdsOptions } from "./wds-source.js";

export type DatasetSpec =
  | { kind: "registry"; name: string }
  | { kind: "folder"; path: string }
  | { kind: "manifest"; path: string }
  | { kind: "wds"; path: string }
  | { kind: "hf"; rest: string }
  | { kind: "wds-hub"; rest: string }
  | { kind: "split-dir"; path: string; splitFile: string };

/** The built-in entry that owns a dataset spec and what it parsed, or the ConfigError listing the known names. */
function matchDataset(name: string): { plugin: BuiltinDatasetSource; parsed: unknown } {
  const m = matchSpec(datasetSourcePlugins, name);
  if (m) return { plugin: m.plugin, parsed: m.plugin.parse(m.rest, m.prefix, name) };
  getDatasetInfo(name); // throws ConfigError listing the known names
  throw new ConfigError(`Unknown dataset "${name}"`);
}

/**
 * What a dataset name means: `folder:<dir>`, `manifest:<file>` and `wds:<dir>` (clip_benchmark's
 * WebDataset shards) are your own data (paths resolved against the working directory); a
 * registry name or alias is one of the paper's datasets; otherwise an existing path is detected:
 * a `.csv`/`.jsonl` file is a manifest, a folder with `split.json` is a CoOp-format dataset, any
 * other folder is an image folder (the entries of src/plugins.ts). Unknown names throw ConfigError.
 */
export { isHubDatasetSpec } from "./hub-spec.js";

export function parseDatasetSpec(name: string): DatasetSpec {
  const { spec: _spec, ...parsed } = matchDataset(name).parsed as DatasetSpec & { spec: string };
  return parsed as DatasetSpec;
}

export async function readSource(
  name: string,
  root: string,
  own: WdsOptions & HfOptions,
  problems: ProblemList,
): Promise<DatasetSource | undefined> {
  const { plugin, parsed } = matchDataset(name);
  return plugin.read(parsed, root, own, problems);
}
