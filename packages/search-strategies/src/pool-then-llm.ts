import type { AskContext, Proposal, SearchStrategy, StepOutcome, StrategyContext } from "@vlmopt/core";
import type { PoolThenLlmParams, StrategyParamValue } from "./params.js";
import { InitialPool } from "./strategy-helpers.js";

export type { StrategyContext } from "@vlmopt/core";

/**
 * The skeleton most strategies share: step 0 scores the initial pool (params `pool`, `poolSize`,
 * `poolPath`; skipped for an empty pool), then up to `iterations` LLM steps, each from `next()`.
 * Subclasses implement `next` (and optionally `told`); state changes only in `tell`, so a
 * strategy re-played with the same outcomes and rng asks the same things.
 */
export abstract class PoolThenLlmStrategy<
  P extends PoolThenLlmParams & Record<string, StrategyParamValue> = PoolThenLlmParams,
> implements SearchStrategy
{
  readonly specificationVersion = "v1" as const;
  readonly name: string;
  readonly params: Readonly<P>;
  protected readonly pool: InitialPool | null;
  /** LLM steps finished (told). */
  protected llmSteps = 0;
  private pending: "pool" | "llm" | null = null;
  protected poolDone: boolean;

  constructor(name: string, params: P, context: StrategyContext = {}) {
    this.name = name;
    this.params = params;
    this.pool = new InitialPool(
      { pool: params.pool, poolSize: params.poolSize, poolPath: params.poolPath },
      context.datasetName,
    );
    this.poolDone = this.pool === null;
  }

  /** The next step (usually an LLM proposal), or null to stop early. Called at most `iterations` times. */
  protected abstract next(ctx: AskContext): Proposal | null;

  /** Called with the outcome of each LLM step (after `llmSteps` was counted). */
  protected told(_outcome: StepOutcome): void {}

  /** Called with the outcome of the initial-pool step. */
  protected poolScored(_outcome: StepOutcome): void {}

  ask(ctx: AskContext): Proposal | null {
    if (!this.poolDone && this.pool) {
      const p = this.pool.proposal(ctx);
      if (p) {
        this.pending = "pool";
        return p;
      }
      this.poolDone = true;
    }
    if (this.llmSteps >= this.params.iterations) return null;
    const p = this.next(ctx);
    this.pending = p ? "llm" : null;
    return p;
  }

  tell(outcome: StepOutcome): void {
    const pending = this.pending;
    this.pending = null;
    if (pending === "pool") {
      this.poolDone = true;
      this.poolScored(outcome);
    } else if (pending === "llm") {
      this.llmSteps++;
      this.told(outcome);
    }
  }
}
