import { resolve } from "node:path";
import { sourceEntry } from "../dataset-source-entry.js";
import { isHubWdsSpec } from "../hub-spec.js";

/**
 * `wds:<dir>`: clip_benchmark's WebDataset shards (train/val/test tar files, classnames.txt);
 * `wds:<owner>/<name>[@revision]` when no such local folder exists: the same shards from a hub
 * dataset repo, downloaded into the HF hub cache first.
 */
export const wdsDatasets = sourceEntry({
  prefixes: ["wds"],
  help: [
    { form: "wds:<dir>", description: "WebDataset shards in clip_benchmark's layout" },
    {
      form: "wds:<owner>/<name>[@revision]",
      description:
        "clip_benchmark's WebDataset shards from a hub dataset repo, e.g. wds:clip-benchmark/wds_eurosat",
    },
  ],
  parse: (rest, _prefix, spec) =>
    isHubWdsSpec(spec)
      ? { kind: "wds-hub" as const, rest, spec }
      : { kind: "wds" as const, path: resolve(rest), spec },
  async read(p, _root, own, problems) {
    if (p.kind === "wds-hub") {
      const { readWdsHubSource } = await import("../wds-hub-source.js");
      return readWdsHubSource(p.rest, own, problems);
    }
    const { readWdsSource } = await import("../wds-source.js");
    return readWdsSource(p.path, own, problems);
  },
});
