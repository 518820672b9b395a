import { z } from "zod";

/**
 * Parameters shared by several strategies, as zod fields with their usual defaults. A strategy's
 * parameter schema is a `z.object` of these and its own fields, each with `.default()` and
 * `.describe()`; the registry coerces command-line strings and lists them from the schema.
 */
export const COMMON = {
  iterations: (d = 10) =>
    z
      .number()
      .int()
      .min(0)
      .default(d)
      .describe("LLM steps after the initial pool (each step is one LLM call, plus retries)"),
  k: (d = 3) =>
    z
      .number()
      .int()
      .min(1)
      .default(d)
      .describe("templates shown from the top (and bottom) of the scored history"),
  templatesPerCall: (d = 1) =>
    z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(d)
      .describe("templates asked for (and at most accepted) per reply"),
  temperature: (d = 1) => z.number().min(0).max(2).default(d).describe("LLM sampling temperature"),
  maxTokens: (d = 512) => z.number().int().min(1).default(d).describe("maximum output tokens per reply"),
  maxAttempts: (d = 3) =>
    z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(d)
      .describe(
        "LLM calls per step until a reply yields a new template; then the step is recorded as failed",
      ),
  pool: (d = "captions") =>
    z
      .string()
      .default(d)
      .describe(
        'initial pool scored first: basic, imagenet80, hand-engineered, coop, captions, none, or "official:<key>" (read from ../shared at runtime)',
      ),
  poolSize: () =>
    z
      .number()
      .int()
      .min(1)
      .nullable()
      .default(null)
      .describe("score a random sample of this many pool templates (null: the whole pool, in order)"),
  poolPath: () =>
    z
      .string()
      .nullable()
      .default(null)
      .describe(
        'path of official_code_initial_pools.json for "official:<key>" pools (default: found in ../shared)',
      ),
  n: (d = 1) =>
    z.number().int().min(1).max(16).default(d).describe("independent samples per LLM call (LlmRequest.n)"),
};

/** The initial-pool fields every PoolThenLlmStrategy reads. */
export const poolFields = (pool = "captions") => ({
  pool: COMMON.pool(pool),
  poolSize: COMMON.poolSize(),
  poolPath: COMMON.poolPath(),
});

/** What PoolThenLlmStrategy reads: the step count and the initial pool. */
export type PoolThenLlmParams = {
  iterations: number;
  pool: string;
  poolSize: number | null;
  poolPath: string | null;
};

/** A value a strategy parameter may take (what core's SearchStrategy.params holds). */
export type StrategyParamValue = string | number | boolean | null;

/** What llmProposal reads: sampling settings and attempts (`n` is absent for single-sample strategies). */
export interface LlmStepParams {
  temperature: number;
  maxTokens: number;
  maxAttempts: number;
  n?: number;
}
