import { defineBackbone } from "@vlmopt/core";

const REPO = /^[\w.-]+\/[\w.-]+(@[\w.-]+)?$/;
const DESCRIPTION = "a Hugging Face repo with a CLIP-family ONNX export (layout read from its file listing)";

/** `<owner>/<repo>[@<dtype>]`: a hub repo, its layout detected from the hub's file listing. */
export const hubRepoBackbone = defineBackbone({
  specificationVersion: "v1",
  kind: "backbone",
  matches: (spec) => REPO.test(spec),
  help: [{ form: "<owner>/<repo>", description: DESCRIPTION }],
  list: () => [{ name: "<owner>/<repo>", description: DESCRIPTION }],
  parse: (_rest, _prefix, spec) => ({ spec }),
  async create(p, options) {
    const { loadHubRepo } = await import("../load-clip-encoder.js");
    return loadHubRepo(p.spec, options);
  },
});
