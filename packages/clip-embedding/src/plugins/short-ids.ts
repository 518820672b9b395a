import { defineBackbone } from "@vlmopt/core";
import { listModels } from "../model-registry.js";

const idOf = (spec: string) => spec.split("@")[0] as string;

/** Short ids (`clip-vit-b32`, `clip-rn50@fp16`, `siglip-b16`, ...): known hub repos, downloaded on first use. */
export const shortIdBackbone = defineBackbone({
  specificationVersion: "v1",
  kind: "backbone",
  matches: (spec) => listModels().some((m) => m.id === idOf(spec)),
  help: [
    {
      form: "<id>[@<dtype>]",
      description: "a known model (vlmopt models list), downloaded from its hub repo",
    },
  ],
  list: () =>
    listModels().map((m) => ({
      ...m,
      name: m.id,
      repo: m.hfRepo,
    })),
  parse: (_rest, _prefix, spec) => ({ spec }),
  async create(p, options) {
    const { loadRegistryModel } = await import("../load-clip-encoder.js");
    return loadRegistryModel(p.spec, options);
  },
});
