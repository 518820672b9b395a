import pLimit from "p-limit";

/** Runs at most `limit` tasks at a time; the rest wait in FIFO order. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly active: number;
  readonly limit: number;
}

/**
 * A Limiter on p-limit (https://github.com/sindresorhus/p-limit: `pLimit(concurrency)` returns
 * `limit(fn)`, with `activeCount`), keeping this package's error for a bad limit.
 */
export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`concurrency must be a whole number ≥ 1, got ${limit}`);
  }
  const run = pLimit(limit);
  return {
    get active() {
      return run.activeCount;
    },
    limit,
    run: <T>(task: () => Promise<T>): Promise<T> => run(task),
  };
}
