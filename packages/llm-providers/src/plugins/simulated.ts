import { defineLlmProvider } from "@vlmopt/core";
import { invalidLlmSpec } from "../provider-spec.js";

/** `simulated[:<seed>]`: word-level edits of the templates shown, offline and free; not an LLM. */
export const simulatedPlugin = defineLlmProvider({
  specificationVersion: "v1",
  kind: "llm-provider",
  prefixes: ["simulated"],
  help: [
    {
      form: "simulated[:<seed>]",
      description: "an offline stand-in that is not an LLM: word-level edits, free (for trying things out)",
    },
  ],
  parse(rest, _prefix, spec) {
    if (rest === "") return { kind: "simulated" as const, seed: 0 };
    if (!/^-?\d+$/.test(rest)) throw invalidLlmSpec(spec, "has a seed that is not a whole number");
    return { kind: "simulated" as const, seed: Number(rest) };
  },
  price: () => ({ inputPerMTok: 0, outputPerMTok: 0 }),
  cacheable: () => false,
  async create(p, options) {
    const { SimulatedProvider } = await import("../simulated-provider.js");
    return new SimulatedProvider({ seed: options.seed ?? p.seed });
  },
});
