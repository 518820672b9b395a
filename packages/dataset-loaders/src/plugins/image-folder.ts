import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { sourceEntry } from "../dataset-source-entry.js";

/** A folder that is not a CoOp-format dataset (no split.json): class sub-folders, optionally under train/val/test. */
const isPlainFolder = (spec: string) =>
  existsSync(spec) &&
  statSync(spec).isDirectory() &&
  !["split.json", "split.json.gz"].some((f) => existsSync(join(spec, f)));

/** `folder:<dir>` or an existing folder: your own images, one sub-folder per class. */
export const imageFolderDatasets = sourceEntry({
  prefixes: ["folder"],
  matches: isPlainFolder,
  help: [
    {
      form: "folder:<dir>",
      description: "your own images, one sub-folder per class (or train/val/test/<class>)",
    },
  ],
  parse: (rest, prefix, spec) => ({ kind: "folder" as const, path: resolve(prefix ? rest : spec), spec }),
  async read(p, _root, own, problems) {
    const { readImageFolderSource } = await import("../image-folder-source.js");
    return readImageFolderSource(p.path, own, problems);
  },
});
