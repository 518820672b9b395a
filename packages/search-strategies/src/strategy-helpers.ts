import type { AskContext, ScoredTemplate, TaskInfo, TemplateProposal } from "@vlmopt/core";
import { getPool } from "./pools.js";

/** An accuracy in [0, 1] as the percentage shown to the LLM, e.g. 0.61254 → "61.25%". */
export function percent(accuracy: number): string {
  return `${(accuracy * 100).toFixed(2)}%`;
}

/** " of EuroSAT images" (or the dataset name) for meta-prompts that name the task. */
export function taskPhrase(task: TaskInfo): string {
  const name = task.displayName ?? task.datasetName;
  return name ? ` of ${name} images` : "";
}

/** "template" or "templates". */
export function plural(count: number, word = "template"): string {
  return count === 1 ? word : `${word}s`;
}

/** "- template (61.25%)" lines. */
export function scoredLines(items: readonly ScoredTemplate[]): string {
  return items.map((s) => `- ${s.template} (${percent(s.trainAccuracy)})`).join("\n");
}

/** The highest train accuracy in a list, or -Infinity for none. */
export function bestAccuracy(items: readonly ScoredTemplate[]): number {
  return items.reduce((m, s) => Math.max(m, s.trainAccuracy), Number.NEGATIVE_INFINITY);
}

export interface InitialPoolOptions {
  pool: string;
  poolSize: number | null;
  poolPath: string | null;
}

/**
 * The initial-pool step every pool-seeded strategy starts with. The pool is resolved when the
 * strategy is created if the dataset is known then (so a bad pool fails before any work), else at
 * the first ask from the task's dataset name.
 */
export class InitialPool {
  private resolved: string[] | null = null;

  constructor(
    private readonly options: InitialPoolOptions,
    datasetName?: string,
  ) {
    if (datasetName !== undefined) this.templates(datasetName);
  }

  get name(): string {
    return this.options.pool;
  }

  templates(datasetName: string): string[] {
    if (this.resolved === null) {
      this.resolved = getPool(this.options.pool, datasetName, { path: this.options.poolPath });
    }
    return this.resolved;
  }

  /** The proposal scoring the pool (a random sample of poolSize if set), or null for an empty pool. */
  proposal(ctx: AskContext): TemplateProposal | null {
    const all = this.templates(ctx.task.datasetName);
    if (all.length === 0) return null;
    const { poolSize } = this.options;
    const templates = poolSize !== null && poolSize < all.length ? ctx.rng.sample(all, poolSize) : all;
    return {
      kind: "templates",
      templates,
      source: "pool",
      label: `initial pool "${this.options.pool}" (${templates.length})`,
    };
  }
}
