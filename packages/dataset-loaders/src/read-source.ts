import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError } from "@vlmopt/core";
import { type HfOptions, readHfSource } from "./hf/hf-source.js";
import { isHubWdsSpec } from "./hub-spec.js";
import { readImageFolderSource } from "./image-folder-source.js";
import { readManifestSource } from "./manifest-source.js";
import type { ProblemList } from "./problems.js";
import { findDatasetInfo, getDatasetInfo } from "./registry.js";
import { readRegistrySource, readSplitDirSource } from "./registry-source.js";
import type { DatasetSource } from "./source.js";
import { readWdsHubSource } from "./wds-hub-source.js";
import { readWdsSource, type WdsOptions } from "./wds-source.js";

export type DatasetSpec =
  | { kind: "registry"; name: string }
  | { kind: "folder"; path: string }
  | { kind: "manifest"; path: string }
  | { kind: "wds"; path: string }
  | { kind: "hf"; rest: string }
  | { kind: "wds-hub"; rest: string }
  | { kind: "split-dir"; path: string; splitFile: string };

const MANIFEST_RE = /\.(csv|jsonl|ndjson)(\.gz)?$/i;

/**
 * What a dataset name means: `folder:<dir>`, `manifest:<file>` and `wds:<dir>` (clip_benchmark's
 * WebDataset shards) are your own data (paths resolved
 * against the working directory); a registry name or alias is one of the paper's datasets; otherwise
 * an existing path is detected: a `.csv`/`.jsonl` file is a manifest, a folder with `split.json` is a
 * CoOp-format dataset, any other folder is an image folder. Unknown names throw ConfigError.
 */
export { isHubDatasetSpec } from "./hub-spec.js";

export function parseDatasetSpec(name: string): DatasetSpec {
  if (name.startsWith("folder:")) return { kind: "folder", path: resolve(name.slice("folder:".length)) };
  if (name.startsWith("manifest:"))
    return { kind: "manifest", path: resolve(name.slice("manifest:".length)) };
  if (name.startsWith("hf:")) return { kind: "hf", rest: name.slice("hf:".length) };
  if (isHubWdsSpec(name)) return { kind: "wds-hub", rest: name.slice("wds:".length) };
  if (name.startsWith("wds:")) return { kind: "wds", path: resolve(name.slice("wds:".length)) };
  const info = findDatasetInfo(name);
  if (info) return { kind: "registry", name: info.name };
  if (existsSync(name)) {
    const path = resolve(name);
    if (statSync(path).isFile()) {
      if (MANIFEST_RE.test(path)) return { kind: "manifest", path };
    } else {
      for (const f of ["split.json", "split.json.gz"]) {
        if (existsSync(join(path, f))) return { kind: "split-dir", path, splitFile: join(path, f) };
      }
      return { kind: "folder", path };
    }
  }
  getDatasetInfo(name); // throws ConfigError listing the known names
  throw new ConfigError(`Unknown dataset "${name}"`);
}

export async function readSource(
  name: string,
  root: string,
  own: WdsOptions & HfOptions,
  problems: ProblemList,
): Promise<DatasetSource | undefined> {
  const spec = parseDatasetSpec(name);
  switch (spec.kind) {
    case "registry":
      return readRegistrySource(getDatasetInfo(spec.name), root, problems);
    case "folder":
      return readImageFolderSource(spec.path, own, problems);
    case "manifest":
      return readManifestSource(spec.path, own, problems);
    case "split-dir":
      return readSplitDirSource(spec.path, spec.splitFile, problems);
    case "wds":
      return readWdsSource(spec.path, own, problems);
    case "hf":
      return readHfSource(spec.rest, own, problems);
    case "wds-hub":
      return readWdsHubSource(spec.rest, own, problems);
  }
}
