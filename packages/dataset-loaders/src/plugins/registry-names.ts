import { sourceEntry } from "../dataset-source-entry.js";
import { findDatasetInfo, getDatasetInfo, listDatasets } from "../registry.js";

/** The paper's datasets by CoOp key or alias ("eurosat", "flowers102", ...) and the embedded `demo`. */
export const registryDatasets = sourceEntry({
  names: listDatasets().map((d) => d.name),
  matches: (spec) => findDatasetInfo(spec) !== undefined,
  help: [{ form: "<name>", description: "one of the paper's datasets (vlmopt datasets list), or demo" }],
  list: () => listDatasets().map((d) => ({ ...d })),
  parse: (_rest, _prefix, spec) => ({ kind: "registry" as const, name: getDatasetInfo(spec).name, spec }),
  async read(p, root, _own, problems) {
    const { readRegistrySource } = await import("../registry-source.js");
    return readRegistrySource(getDatasetInfo(p.name), root, problems);
  },
});
