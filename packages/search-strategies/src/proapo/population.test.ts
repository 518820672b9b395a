import { createRng } from "@vlmopt/core";
import { describe, expect, it } from "vitest";
import { compositionKey } from "./operators.js";
import { Population } from "./population.js";

const counts = { edits: 3, mutations: 2, crossovers: 4, crossoverMinOther: 1 };

describe("ProAPO population", () => {
  it("seeds with the base alone and the base plus each library gene", () => {
    const pop = new Population(["x", "y"], ["b"]);
    expect(pop.seeds()).toEqual([["b"], ["b", "x"], ["b", "y"]]);
    expect(new Population(["x", "y"]).seeds()).toEqual([["x"], ["y"]]);
  });

  it("ranks the record by the fitness it is given, not by order, and leaves unscored ones out", () => {
    const pop = new Population(["a", "b", "c"]);
    for (const g of [["a"], ["b"], ["c"]]) pop.enter(g);
    const fitness: Record<string, number> = { '["a"]': 1, '["b"]': 3, '["c"]': Number.NEGATIVE_INFINITY };
    expect(pop.top(2, (genes) => fitness[JSON.stringify(genes)] ?? 0)).toEqual([["b"], ["a"]]);
  });

  it("breeds only compositions never tried, at most the counts asked, the same for the same random numbers", () => {
    const library = ["t1", "t2", "t3", "t4", "t5", "t6"];
    const breed = (seed: number) => {
      const pop = new Population(library);
      for (const g of [["t1", "t2", "t3"], ["t4"]]) pop.enter(g);
      const parents = pop.record.map((g) => [...g]);
      return pop.generation(parents, 1, counts, createRng(seed));
    };
    const children = breed(7);
    const keys = children.map(compositionKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).not.toContain(compositionKey(["t1", "t2", "t3"]));
    expect(keys).not.toContain(compositionKey(["t4"]));
    // 2 parents × 3 operators × 3 edits + 2 mutations + 4 crossovers at most (a parent of 1 cannot lose a gene).
    expect(children.length).toBeLessThanOrEqual(2 * 3 * 3 + 2 + 4);
    expect(children.length).toBeGreaterThan(10);
    // Mutations alone: sets of 2 + epoch library genes, plus the base.
    const pop = new Population(library, ["base"]);
    const mutants = pop.generation(
      [],
      2,
      { edits: 0, mutations: 5, crossovers: 0, crossoverMinOther: 1 },
      createRng(3),
    );
    expect(mutants).toHaveLength(5);
    for (const m of mutants) expect(m).toHaveLength(5);
    for (const m of mutants) expect(m).toContain("base");
    expect(breed(7)).toEqual(children);
    expect(breed(8)).not.toEqual(children);
  });
});
