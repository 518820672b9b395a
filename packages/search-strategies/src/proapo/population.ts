import type { Rng } from "@vlmopt/core";
import { addGene, compositionKey, crossover, mutate, removeGene, replaceGene } from "./operators.js";

/** How many offspring one generation asks of each operator (the code's `num_add`, `num_mutation`, ...). */
export interface OffspringCounts {
  /** Per parent, for each of add, remove and replace. */
  edits: number;
  mutations: number;
  crossovers: number;
  /** Least number of non-shared genes a crossover child takes (template stage 1, description stage 0). */
  crossoverMinOther: number;
}

/** Extra draws an operator gets to find a composition not tried yet (the code's `range(num + 64)`). */
const EXTRA_TRIES = 64;

/**
 * One ProAPO search (the template stage, or one class group of the description stage): the gene
 * library, the genes every individual starts from (`base`), the ranked record, and every
 * composition tried so far, so no composition is proposed twice (the code's
 * `list_record_composition`). Fitness is looked up
 * by the caller; this holds no scores, so it is rebuilt identically when a run is re-played.
 */
export class Population {
  private readonly tried = new Set<string>();
  /**
   * The individuals ranked for parents (the code's `record_prompt_dict`): the sampled starting
   * individuals and every offspring, in order. The library seeds are scored but not ranked here.
   */
  readonly record: string[][] = [];

  constructor(
    readonly library: readonly string[],
    readonly base: readonly string[] = [],
  ) {}

  private static sorted(genes: readonly string[]): string[] {
    return [...new Set(genes)].sort();
  }

  /** Marks a composition as tried; false when it was tried already. */
  markTried(genes: readonly string[]): boolean {
    const key = compositionKey(genes);
    if (this.tried.has(key)) return false;
    this.tried.add(key);
    return true;
  }

  /** Adds an individual to the ranked record (and marks it tried). */
  enter(genes: readonly string[]): string[] {
    const sorted = Population.sorted(genes);
    this.markTried(sorted);
    this.record.push(sorted);
    return sorted;
  }

  /**
   * The library seeds, scored once to filter the library (the code's "memory"): `base` alone,
   * then `base` plus each library gene.
   */
  seeds(): string[][] {
    const all = [...(this.base.length > 0 ? [this.base] : []), ...this.library.map((g) => [...this.base, g])];
    return all.map((genes) => Population.sorted(genes));
  }

  /** The `k` record individuals with the highest fitness (ties: entered first); unscored ones are left out. */
  top(k: number, fitnessOf: (genes: readonly string[]) => number): string[][] {
    return this.record
      .map((genes, i) => ({ genes, i, f: fitnessOf(genes) }))
      .filter((m) => Number.isFinite(m.f))
      .sort((a, b) => b.f - a.f || a.i - b.i)
      .slice(0, k)
      .map((m) => m.genes);
  }

  private collect(count: number, make: () => string[] | null, out: string[][]): void {
    let made = 0;
    for (let tries = 0; made < count && tries < count + EXTRA_TRIES; tries++) {
      const child = make();
      if (child === null || child.length === 0) continue;
      if (!this.markTried(child)) continue;
      out.push(this.enter(child));
      made++;
    }
  }

  /**
   * One generation from `parents` (the current top individuals): per parent `edits` children
   * each of add, remove and replace; `mutations` random sets of `2 + epoch` library genes (plus
   * `base`); `crossovers` children of all parents together. Only compositions never tried come
   * back, and they join the record.
   */
  generation(parents: readonly string[][], epoch: number, counts: OffspringCounts, rng: Rng): string[][] {
    const out: string[][] = [];
    for (const parent of parents) {
      this.collect(counts.edits, () => addGene(parent, this.library, rng), out);
      this.collect(counts.edits, () => removeGene(parent, rng), out);
      this.collect(counts.edits, () => replaceGene(parent, this.library, rng), out);
    }
    this.collect(counts.mutations, () => mutate(this.library, 2 + epoch, rng, this.base), out);
    if (parents.length > 1)
      this.collect(counts.crossovers, () => crossover(parents, rng, counts.crossoverMinOther), out);
    return out;
  }
}
