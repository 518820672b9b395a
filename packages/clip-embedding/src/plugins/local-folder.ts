import { existsSync } from "node:fs";
import { defineBackbone } from "@vlmopt/core";

/** A local model folder; its layout (transformers.js, immich OpenCLIP, SigLIP) is detected from its files. */
export const localFolderBackbone = defineBackbone({
  specificationVersion: "v1",
  kind: "backbone",
  matches: (spec) => existsSync(spec),
  help: [
    { form: "<dir>", description: "a local model folder in the transformers.js or immich OpenCLIP layout" },
  ],
  list: () => [
    { name: "<dir>", description: "a local model folder in the transformers.js or immich OpenCLIP layout" },
  ],
  parse: (_rest, _prefix, spec) => ({ path: spec }),
  async create(p, options) {
    const { loadModelFolder } = await import("../load-clip-encoder.js");
    return loadModelFolder(p.path, options);
  },
});
