import type { Rng } from "@vlmopt/core";

/**
 * ProAPO's prompt operators (Qu et al., "ProAPO: Progressively Automatic Prompt Optimization for
 * Visual Classification", CVPR 2025, https://arxiv.org/abs/2502.19844), on an individual that is a
 * set of genes (templates in the template stage, class descriptions in the description stage) drawn
 * from a library the LLM wrote once. Written after the public code's `add_one` / `mean` sampling
 * mode (https://github.com/MorningStarOvO/ProAPO, tools/process/task_specific_selection.py and
 * tools/process/class_specific_selection_with_same_template.py): edit-based operators add, remove
 * or replace one gene of a parent; mutation draws a fresh random set; crossover keeps what all
 * parents share and samples the rest weighted by how many parents carry it. Pure functions of
 * their inputs and `rng`, so a strategy built on them re-plays exactly.
 */

/** Genes of `library` not in `individual`, in library order. */
function unused(individual: readonly string[], library: readonly string[]): string[] {
  const have = new Set(individual);
  return library.filter((g) => !have.has(g));
}

/** Edit "add": the parent plus one library gene it lacks (null when it has them all). */
export function addGene(parent: readonly string[], library: readonly string[], rng: Rng): string[] | null {
  const free = unused(parent, library);
  if (free.length === 0) return null;
  return [...parent, free[rng.int(free.length)] as string];
}

/**
 * Edit "remove": the parent without one of its genes. As in the code (`len(template) > 2`), a
 * parent of two genes or fewer is left alone (null).
 */
export function removeGene(parent: readonly string[], rng: Rng): string[] | null {
  if (parent.length <= 2) return null;
  const at = rng.int(parent.length);
  return parent.filter((_, i) => i !== at);
}

/**
 * Edit "replace": one gene of the parent swapped for a library gene it lacks (null when none is
 * left). Genes in `keep` (the description stage's baseline texts) may be swapped out too, as in the
 * code.
 */
export function replaceGene(
  parent: readonly string[],
  library: readonly string[],
  rng: Rng,
): string[] | null {
  const free = unused(parent, library);
  if (free.length === 0 || parent.length === 0) return null;
  const at = rng.int(parent.length);
  const out = parent.filter((_, i) => i !== at);
  out.push(free[rng.int(free.length)] as string);
  return out;
}

/**
 * Mutation: `size` distinct genes drawn at random from the library (the code draws `2 + epoch`),
 * plus `base` (the description stage adds the group's current texts). Null when the library is
 * smaller than `size`.
 */
export function mutate(
  library: readonly string[],
  size: number,
  rng: Rng,
  base: readonly string[] = [],
): string[] | null {
  if (size > library.length || size < 1) return null;
  const drawn = rng.sample(library, size);
  return [...drawn, ...base.filter((g) => !drawn.includes(g))];
}

/** Draws `k` distinct items, each pick with probability proportional to its weight (numpy `choice(p=..., replace=False)`). */
export function weightedSample(
  items: readonly string[],
  weights: readonly number[],
  k: number,
  rng: Rng,
): string[] {
  const pool = items.map((item, i) => ({ item, w: Math.max(0, weights[i] ?? 0) + 1e-4 }));
  const out: string[] = [];
  while (out.length < k && pool.length > 0) {
    const total = pool.reduce((s, p) => s + p.w, 0);
    let r = rng.next() * total;
    let at = pool.length - 1;
    for (let i = 0; i < pool.length; i++) {
      r -= (pool[i] as { w: number }).w;
      if (r < 0) {
        at = i;
        break;
      }
    }
    out.push((pool[at] as { item: string }).item);
    pool.splice(at, 1);
  }
  return out;
}

/**
 * Crossover over the parents: genes every parent has are kept; of the others, a random number
 * from `minOther` to all of them is drawn, weighted by how many parents carry each. Null when the
 * parents do not differ. (The code draws `randint(1, len(diff))` in the template stage and
 * `randint(num_other_group, len(diff))` in the description stage.)
 */
export function crossover(parents: readonly (readonly string[])[], rng: Rng, minOther = 1): string[] | null {
  const count = new Map<string, number>();
  for (const p of parents) for (const g of new Set(p)) count.set(g, (count.get(g) ?? 0) + 1);
  const common: string[] = [];
  const differ: string[] = [];
  for (const [g, n] of count) (n === parents.length ? common : differ).push(g);
  if (differ.length === 0) return null;
  const lo = Math.min(Math.max(0, minOther), differ.length);
  const k = lo + rng.int(differ.length - lo + 1);
  const picked = weightedSample(
    differ,
    differ.map((g) => count.get(g) ?? 0),
    k,
    rng,
  );
  const child = [...picked, ...common];
  return child.length > 0 ? child : null;
}

/** The order-free identity of an individual (the code's bit-string composition id). */
export function compositionKey(genes: readonly string[]): string {
  return JSON.stringify([...new Set(genes)].sort());
}
