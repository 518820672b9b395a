import pLimit from "p-limit";

/**
 * Runs `task` for every item with at most `limit` running at once (p-limit,
 * https://github.com/sindresorhus/p-limit); results keep item order. After a task throws no
 * further task starts, and the call rejects with that error once every started task has settled.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const run = pLimit(Math.max(1, Math.floor(limit)));
  let failure: { error: unknown } | null = null;
  const results = await run.map(items, async (item, index) => {
    if (failure !== null) return undefined as R;
    try {
      return await task(item, index);
    } catch (error) {
      failure ??= { error };
      return undefined as R;
    }
  });
  if (failure !== null) throw (failure as { error: unknown }).error;
  return results;
}
