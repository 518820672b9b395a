import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { sourceEntry } from "../dataset-source-entry.js";

const splitFileIn = (dir: string) =>
  ["split.json", "split.json.gz"].map((f) => join(dir, f)).find((f) => existsSync(f));

/** An existing folder with a CoOp-format `split.json` (images beside it). */
export const splitDirDatasets = sourceEntry({
  matches: (spec) => existsSync(spec) && statSync(spec).isDirectory() && splitFileIn(spec) !== undefined,
  help: [
    {
      form: "<dir with split.json>",
      description: "a dataset in CoOp's format (split.json beside its images)",
    },
  ],
  parse: (_rest, _prefix, spec) => {
    const path = resolve(spec);
    return { kind: "split-dir" as const, path, splitFile: splitFileIn(path) as string, spec };
  },
  async read(p, _root, _own, problems) {
    const { readSplitDirSource } = await import("../registry-source.js");
    return readSplitDirSource(p.path, p.splitFile, problems);
  },
});
