/**
 * The built-in dataset sources. A light module: no sharp and no checker at top level (each entry
 * imports its reader inside `load()` / `check()`). A prefix (folder:, manifest:, wds:) or a
 * registry name is matched before any `matches` test, in list order. A new source = one file in
 * src/plugins/ plus one line here.
 */
import type { BuiltinDatasetSource } from "./dataset-source-entry.js";
import { hfDatasets } from "./plugins/hf.js";
import { imageFolderDatasets } from "./plugins/image-folder.js";
import { manifestDatasets } from "./plugins/manifest.js";
import { registryDatasets } from "./plugins/registry-names.js";
import { splitDirDatasets } from "./plugins/split-dir.js";
import { wdsDatasets } from "./plugins/wds.js";

export const datasetSourcePlugins: readonly BuiltinDatasetSource[] = [
  registryDatasets,
  imageFolderDatasets,
  manifestDatasets,
  wdsDatasets,
  hfDatasets,
  splitDirDatasets,
];
