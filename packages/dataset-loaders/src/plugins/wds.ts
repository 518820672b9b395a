import { resolve } from "node:path";
import { sourceEntry } from "../dataset-source-entry.js";

/** `wds:<dir>`: clip_benchmark's WebDataset shards (train/val/test tar files, classnames.txt). */
export const wdsDatasets = sourceEntry({
  prefixes: ["wds"],
  help: [{ form: "wds:<dir>", description: "WebDataset shards in clip_benchmark's layout" }],
  parse: (rest, _prefix, spec) => ({ kind: "wds" as const, path: resolve(rest), spec }),
  async read(p, _root, own, problems) {
    const { readWdsSource } = await import("../wds-source.js");
    return readWdsSource(p.path, own, problems);
  },
});
