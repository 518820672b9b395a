import { defineBackbone, defineLlmProvider, defineStrategy, type VlmoptPlugin } from "@vlmopt/core";
import { SimulatedProvider } from "@vlmopt/llm-providers";
import { STRATEGIES } from "@vlmopt/search-strategies/plugins";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { builtinPlugins } from "./registry.js";
import { pluginContract, pluginProblems } from "./testing.js";

// A plugin module as a third party would write it: a strategy (the random search, renamed) and an
// LLM provider; the contract below is what its own test file would run.
const random = STRATEGIES.random;
if (!random) throw new Error("the built-in random strategy is missing");
const myStrategy = defineStrategy({ ...random, name: "my-random", description: "random search, renamed" });
const myLlm = defineLlmProvider({
  specificationVersion: "v1",
  kind: "llm-provider",
  prefixes: ["echo"],
  help: [{ form: "echo[:<seed>]", description: "the simulated provider under another name" }],
  parse: (rest) => ({ seed: rest === "" ? 0 : Number(rest) }),
  create: (parsed) => new SimulatedProvider({ seed: parsed.seed }),
});

pluginContract({ name: "a third-party module", plugins: [myStrategy, myLlm] });

describe("pluginProblems", () => {
  it("finds nothing wrong with the built-in entries", () => {
    expect(pluginProblems(builtinPlugins())).toEqual([]);
  });

  it("names each broken entry and what is wrong with it", () => {
    const bad: unknown[] = [
      { specificationVersion: "v2", kind: "strategy" },
      { ...myLlm, help: [{ form: "ecco:<seed>", description: "" }] },
      defineStrategy({
        ...myStrategy,
        name: "Needs Params",
        params: z.object({ k: z.number() }),
      }),
      defineBackbone({
        specificationVersion: "v1",
        kind: "backbone",
        help: [],
        parse: () => ({}),
        create: () => Promise.reject(new Error("unused")),
      }),
    ];
    expect(pluginProblems(bad)).toEqual([
      "entry 1: entry 1 is not a vlmopt plugin entry",
      'entry 2 (llm-provider "echo"): help form "ecco:<seed>" does not start with one of its prefixes',
      'entry 2 (llm-provider "echo"): help form "ecco:<seed>" has no description',
      'entry 3 (strategy "Needs Params"): "Needs Params" cannot be typed as a spec word (a-z, 0-9, ".", "_", "-")',
      'entry 3 (strategy "Needs Params"): its parameters have no complete defaults (k)',
      "entry 4 (backbone (matches())): neither prefixes nor matches(): no spec can reach it",
    ]);
  });

  it("reports a prefix or name a built-in already claims, unless it is replaced on purpose", () => {
    const clash: VlmoptPlugin[] = [
      { ...myStrategy, name: "hill-climb" },
      { ...myLlm, prefixes: ["openai"], help: [] },
    ];
    const problems = pluginProblems(clash, { builtins: builtinPlugins() });
    expect(problems).toContain(
      'entry 1 (strategy "hill-climb"): "hill-climb" is already claimed by a built-in strategy "hill-climb"',
    );
    expect(problems.some((p) => p.includes('"openai" is already claimed by a built-in llm-provider'))).toBe(
      true,
    );
    expect(
      pluginProblems([clash[0] as VlmoptPlugin], { builtins: builtinPlugins(), replaces: ["hill-climb"] }),
    ).toEqual([]);
  });
});
