import type { Dataset, DatasetSourceOptions, DatasetSourcePlugin, PluginHelp } from "@vlmopt/core";
import type { CheckDatasetOptions } from "./check-dataset.js";
import type { HfOptions } from "./hf/hf-source.js";
import type { LoadDatasetOptions } from "./load-dataset.js";
import type { ProblemList } from "./problems.js";
import type { DatasetSource } from "./source.js";
import type { CheckReport } from "./types.js";
import type { WdsOptions } from "./wds-source.js";

/** How a built-in entry reads its source (split lists, class names) before it is built or checked. */
export type SourceReader<P> = (
  parsed: P,
  root: string,
  own: WdsOptions & HfOptions,
  problems: ProblemList,
) => Promise<DatasetSource | undefined>;

/** A built-in dataset source: an entry plus the reader loadDataset and checkDataset share. */
export interface BuiltinDatasetSource<P = unknown> extends DatasetSourcePlugin<P, CheckReport> {
  read(
    parsed: P,
    root: string,
    own: WdsOptions & HfOptions,
    problems: ProblemList,
  ): Promise<DatasetSource | undefined>;
}

/**
 * A built-in entry from its spec handling and its reader (`parsed.spec` is the spec as given, for
 * messages and the report's name): `load` builds core's Dataset from the
 * source, `check` runs checkDataset's checks on it (both loaded on first use, so the entries
 * module imports neither sharp nor the checkers).
 */
export function sourceEntry<P extends { spec: string }>(entry: {
  prefixes?: readonly string[];
  names?: readonly string[];
  matches?: (spec: string) => boolean;
  help: readonly PluginHelp[];
  list?: DatasetSourcePlugin<P>["list"];
  parse: (rest: string, prefix: string | null, spec: string) => P;
  read: SourceReader<P>;
}): BuiltinDatasetSource<P> {
  const { read, ...rest } = entry;
  return {
    specificationVersion: "v1",
    kind: "dataset-source",
    ...rest,
    read,
    async load(parsed, options: DatasetSourceOptions): Promise<Dataset> {
      const { loadFromSource } = await import("./load-dataset.js");
      // The options a caller passes are LoadDatasetOptions (own-data and wds settings included).
      const own = options as LoadDatasetOptions;
      return loadFromSource(parsed.spec, (problems) => read(parsed, own.root, own, problems), own);
    },
    async check(parsed, options) {
      const { checkSource } = await import("./check-dataset.js");
      const own = options as CheckDatasetOptions & { root: string };
      return checkSource(parsed.spec, (problems) => read(parsed, own.root, own, problems), own);
    },
  };
}
