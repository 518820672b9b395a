import { throwIfAborted } from "@vlmopt/core";
import pLimit from "p-limit";

/**
 * Runs `fn` over `items` with at most `limit` calls in flight (p-limit's `limit.map`,
 * https://github.com/sindresorhus/p-limit); results keep the input order. Once `signal` is aborted
 * no further call starts.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const run = pLimit(Math.max(1, Math.floor(limit)));
  return run.map(items, (item, index) => {
    throwIfAborted(signal);
    return fn(item, index);
  });
}
