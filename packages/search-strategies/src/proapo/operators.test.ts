import { createRng } from "@vlmopt/core";
import { describe, expect, it } from "vitest";
import {
  addGene,
  compositionKey,
  crossover,
  mutate,
  removeGene,
  replaceGene,
  weightedSample,
} from "./operators.js";

const seeds = Array.from({ length: 200 }, (_, i) => createRng(i));

describe("ProAPO edit operators", () => {
  it("add: the parent plus one library gene it lacks, every such gene reachable; null when none is left", () => {
    const added = new Set<string>();
    for (const rng of seeds) {
      const child = addGene(["a"], ["a", "b", "c"], rng) as string[];
      expect(child).toHaveLength(2);
      expect(child[0]).toBe("a");
      expect(["b", "c"]).toContain(child[1]);
      added.add(child[1] as string);
    }
    expect([...added].sort()).toEqual(["b", "c"]);
    expect(addGene(["a", "b"], ["b", "a"], createRng(1))).toBeNull();
  });

  it("remove: one gene less, any gene removable; a parent of two or fewer is left alone", () => {
    const removed = new Set<string>();
    for (const rng of seeds) {
      const child = removeGene(["a", "b", "c"], rng) as string[];
      expect(child).toHaveLength(2);
      removed.add(["a", "b", "c"].find((g) => !child.includes(g)) as string);
    }
    expect([...removed].sort()).toEqual(["a", "b", "c"]);
    expect(removeGene(["a", "b"], createRng(1))).toBeNull();
  });

  it("replace: one gene swapped for a library gene the parent lacks", () => {
    for (const rng of seeds) {
      const child = replaceGene(["a", "b"], ["a", "b", "c", "d"], rng) as string[];
      expect(child).toHaveLength(2);
      expect(child.filter((g) => g === "a" || g === "b")).toHaveLength(1);
      expect(child.filter((g) => g === "c" || g === "d")).toHaveLength(1);
    }
    expect(replaceGene(["a"], ["a"], createRng(1))).toBeNull();
  });
});

describe("ProAPO evolution operators", () => {
  it("mutation: `size` distinct library genes plus the base; null when the library is smaller", () => {
    const library = ["a", "b", "c", "d", "e"];
    for (const rng of seeds) {
      const child = mutate(library, 3, rng, ["base"]) as string[];
      expect(child).toHaveLength(4);
      expect(new Set(child).size).toBe(4);
      expect(child).toContain("base");
      for (const g of child.filter((x) => x !== "base")) expect(library).toContain(g);
    }
    expect(mutate(library, 6, createRng(1))).toBeNull();
  });

  it("crossover: keeps the genes all parents share, draws the others; null for identical parents", () => {
    const parents = [
      ["a", "b", "c"],
      ["a", "b", "d"],
      ["a", "e"],
    ];
    const sizes = new Set<number>();
    for (const rng of seeds) {
      const child = crossover(parents, rng) as string[];
      expect(child).toContain("a");
      const others = child.filter((g) => g !== "a");
      expect(others.length).toBeGreaterThanOrEqual(1);
      for (const g of others) expect(["b", "c", "d", "e"]).toContain(g);
      sizes.add(others.length);
    }
    expect([...sizes].sort()).toEqual([1, 2, 3, 4]);
    expect(
      crossover(
        [
          ["a", "b"],
          ["b", "a"],
        ],
        createRng(1),
      ),
    ).toBeNull();
    // minOther 0 (the description stage) may keep only the shared genes.
    const shared = seeds.map((rng) => crossover(parents, rng, 0) as string[]);
    expect(shared.some((c) => c.length === 1 && c[0] === "a")).toBe(true);
  });

  it("draws crossover genes in proportion to how many parents carry them", () => {
    const rng = createRng(5);
    let first = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) if (weightedSample(["x", "y"], [3, 1], 1, rng)[0] === "x") first++;
    expect(first / n).toBeGreaterThan(0.72);
    expect(first / n).toBeLessThan(0.78);
    expect(weightedSample(["x", "y", "z"], [1, 1, 1], 5, rng).sort()).toEqual(["x", "y", "z"]);
  });

  it("identifies a composition regardless of order and repeats", () => {
    expect(compositionKey(["b", "a", "b"])).toBe(compositionKey(["a", "b"]));
    expect(compositionKey(["a"])).not.toBe(compositionKey(["a", "b"]));
  });
});
