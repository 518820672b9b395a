import { defineBackbone } from "@vlmopt/core";
import { findGenerated, GENERATED, listGeneratedModels } from "../generated-models.js";

/** `random:<name>[@quantized|@static-int8]`: random-weight models of real shapes, generated once and cached. */
export const generatedBackbone = defineBackbone({
  specificationVersion: "v1",
  kind: "backbone",
  prefixes: ["random"],
  help: [
    {
      form: `random:<${GENERATED.map((g) => g.name).join("|")}>`,
      description: "a generated model with random weights (chance accuracy; for trying things out)",
    },
  ],
  list: () => listGeneratedModels().map((e) => ({ ...e, name: e.id, layout: "generated", repo: "-" })),
  parse(rest, _prefix, spec) {
    const [name, variant] = rest.split("@") as [string, string | undefined];
    findGenerated(name, spec.split("@")[0]);
    return { name, variant };
  },
  async create(p, options) {
    const { loadGeneratedModel } = await import("../load-clip-encoder.js");
    return loadGeneratedModel(p.name, p.variant, options);
  },
});
