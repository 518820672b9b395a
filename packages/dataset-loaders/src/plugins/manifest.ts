import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { sourceEntry } from "../dataset-source-entry.js";

const MANIFEST_RE = /\.(csv|jsonl|ndjson)(\.gz)?$/i;

/** `manifest:<file>` or an existing .csv/.jsonl file of `path,label[,split]` rows. */
export const manifestDatasets = sourceEntry({
  prefixes: ["manifest"],
  matches: (spec) => existsSync(spec) && statSync(spec).isFile() && MANIFEST_RE.test(resolve(spec)),
  help: [
    { form: "manifest:<file.csv|jsonl>", description: "a CSV/JSONL manifest of path,label[,split] rows" },
  ],
  parse: (rest, prefix, spec) => ({ kind: "manifest" as const, path: resolve(prefix ? rest : spec), spec }),
  async read(p, _root, own, problems) {
    const { readManifestSource } = await import("../manifest-source.js");
    return readManifestSource(p.path, own, problems);
  },
});
