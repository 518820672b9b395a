import { FleetBudget, openPostgresStore, RunQueue } from "@vlmopt/store-postgres";
import { type FleetSpec, itemsOf } from "./fleet-spec.js";

/**
 * Registers a suite in the store and queues its items (new ones, failed ones again, and any still
 * queued, so that an interrupted enqueue can be repeated), then returns: workers do the rest.
 */
export async function enqueueSuite(
  url: string,
  suiteKey: string,
  spec: FleetSpec,
): Promise<{ items: number; queued: number; alreadyDone: number; shownUrl: string }> {
  const store = await openPostgresStore(url, { max: 2, applicationName: "vlmopt-enqueue" });
  try {
    const items = itemsOf(spec);
    await store.items.register(suiteKey, spec, items);
    await new FleetBudget(store.pool, suiteKey).ensure({
      capUsd: spec.budget.suiteUsd,
      capCalls: spec.budget.suiteCalls,
    });
    const states = await store.items.records(suiteKey);
    const todo = states.filter((s) => s.state === "queued").map((s) => s.item);
    const queue = await RunQueue.open(url, { poolSize: 1 });
    try {
      await queue.send(
        todo.map((i) => ({ suiteKey, itemKey: i.itemKey })),
        spec.leaseSeconds,
      );
    } finally {
      await queue.stop();
    }
    return {
      items: items.length,
      queued: todo.length,
      alreadyDone: states.filter((s) => s.state === "done").length,
      shownUrl: store.shownUrl,
    };
  } finally {
    await store.close();
  }
}
