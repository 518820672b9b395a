import { ConfigError } from "@vlmopt/core";
import { describe, expect, it } from "vitest";
import { STRATEGIES } from "./plugins.js";
import { createStrategy, listStrategies } from "./registry.js";

describe("strategy registry", () => {
  it("registers every strategy and alias", () => {
    expect(Object.keys(STRATEGIES).sort()).toEqual(
      [
        "ape",
        "ape-iterative",
        "hill-climb",
        "hill-climb-code",
        "hill-climb-p",
        "hill-climb-pn",
        "opro",
        "random",
        "waffle",
        "dclip",
        "cupl",
        "hill-climb-descriptions",
        "proapo",
      ].sort(),
    );
    for (const name of Object.keys(STRATEGIES)) expect(createStrategy(name).name).toBe(name);
  });

  it("fills defaults and coerces string values", () => {
    const s = createStrategy("hill-climb", { iterations: "20", temperature: "0.5" });
    expect(s.params).toMatchObject({
      variant: "pn",
      iterations: 20,
      k: 3,
      temperature: 0.5,
      pool: "captions",
    });
    expect(createStrategy("hill-climb-p").params.variant).toBe("p");
    expect(createStrategy("hill-climb-code").params).toMatchObject({ k: 3, maxAttempts: 15 });
    expect(createStrategy("opro").params).toMatchObject({ k: 20, n: 4 });
  });

  it("throws ConfigError naming the parameter and the valid values", () => {
    expect(() => createStrategy("hill-climbing")).toThrow(
      /unknown strategy "hill-climbing"; valid strategies: hill-climb/,
    );
    expect(() => createStrategy("hill-climb", { variant: "n" })).toThrow(
      /parameter "variant" is "n"; valid values: "pn", "p"/,
    );
    expect(() => createStrategy("hill-climb", { iterations: -1 })).toThrow(
      /"iterations" is -1; valid values: a whole number ≥ 0/,
    );
    expect(() => createStrategy("random", { itterations: 3 })).toThrow(
      /no parameter "itterations"; valid parameters: mode, iterations/,
    );
    expect(() => createStrategy("hill-climb", { pool: "laion" }, { datasetName: "eurosat" })).toThrow(
      /unknown pool "laion"/,
    );
    expect(() => createStrategy("hill-climb", { pool: "none" })).toThrow(ConfigError);
    expect(() => createStrategy("random", { mode: "x" })).toThrow(ConfigError);
  });

  it("resolves per-dataset pools when the dataset is known", () => {
    expect(() => createStrategy("hill-climb", { pool: "coop" }, { datasetName: "eurosat" })).not.toThrow();
    expect(() => createStrategy("hill-climb", { pool: "coop" }, { datasetName: "mnist" })).toThrow(
      /no templates for dataset "mnist"/,
    );
  });

  it("lists strategies with their parameters", () => {
    const list = listStrategies();
    const hc = list.find((s) => s.name === "hill-climb");
    expect(hc?.params.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        "variant",
        "iterations",
        "k",
        "templatesPerCall",
        "temperature",
        "maxTokens",
        "restartAfter",
        "pool",
        "poolSize",
        "n",
      ]),
    );
    expect(hc?.params.find((p) => p.name === "variant")?.description).toMatch(/one of: pn, p/);
    for (const s of list) expect(s.description.length).toBeGreaterThan(10);
  });
});
