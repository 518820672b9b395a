import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { ConfigError, displayMessage } from "@vlmopt/core";
import { maskUrlsIn, openPostgresStore, type QueueJob, RunQueue } from "@vlmopt/store-postgres";
import { executeItem } from "./execute-item.js";
import type { FleetSpec } from "./fleet-spec.js";
import { SuiteContext, type WorkerSettings } from "./suite-context.js";

/** The most runs one worker process executes at once, whatever is asked. */
export const MAX_CONCURRENCY = 16;

export interface WorkerOptions extends WorkerSettings {
  url: string;
  /** Runs at once in this process (1..MAX_CONCURRENCY). */
  concurrency: number;
  /** Stop once no item of any suite is queued or running (a batch worker; tests and benches). */
  exitWhenDone?: boolean;
  /** With exitWhenDone: stop once this suite (not every suite) is done. */
  exitWhenSuiteDone?: string;
  /** How often an idle worker polls the queue (seconds). Default 2. */
  pollSeconds?: number;
}

export interface WorkerSummary {
  owner: string;
  itemsFinished: number;
}

/**
 * A worker: takes items off the pg-boss queue, `concurrency` at a time, holds a heartbeat lease on
 * each, runs it (resuming from stored events when an earlier worker died mid-run) and records the
 * outcome. Runs until `signal` aborts, or with `exitWhenDone` until the store has nothing left to do.
 */
export async function runWorker(o: WorkerOptions): Promise<WorkerSummary> {
  if (!Number.isInteger(o.concurrency) || o.concurrency < 1 || o.concurrency > MAX_CONCURRENCY) {
    throw new ConfigError(
      `--concurrency is ${o.concurrency}; it must be a whole number from 1 to ${MAX_CONCURRENCY}`,
    );
  }
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  // Pool: one connection per run, one for feature locks, one for heartbeats and polling.
  const store = await openPostgresStore(o.url, { max: o.concurrency + 2, applicationName: "vlmopt-worker" });
  const log = (line: string) => o.log(maskUrlsIn(line, [o.url]));
  const queue = await RunQueue.open(o.url, { poolSize: 2, pollingSeconds: o.pollSeconds ?? 2, log });
  log(`worker ${owner}: ${store.shownUrl}, concurrency ${o.concurrency}`);
  const contexts = new Map<string, Promise<SuiteContext>>();
  const contextOf = (suiteKey: string) => {
    let got = contexts.get(suiteKey);
    if (!got) {
      got = store.items.spec(suiteKey).then((spec) => {
        if (!spec) throw new ConfigError(`suite ${suiteKey} is not in the store`);
        return new SuiteContext(suiteKey, spec as FleetSpec, store, { ...o, log });
      });
      contexts.set(suiteKey, got);
    }
    return got;
  };
  let finished = 0;
  let inFlight = 0;
  const running = new Set<string>();
  // Leases held, by suite (each suite has its own lease length): renewed every third of a lease.
  const held = new Map<string, { lease: number; count: number }>();
  let beats = 0;
  const heartbeat = setInterval(() => {
    beats++;
    for (const [suiteKey, h] of held) {
      const every = Math.max(1, Math.floor(h.lease / 3));
      if (beats % every !== 0) continue;
      void store.items
        .heartbeat(owner, h.lease, suiteKey)
        .catch((e) => log(`warning: heartbeat: ${displayMessage(e)}`));
    }
  }, 1000);
  const handle = async (job: QueueJob) => {
    const ctx = await contextOf(job.suiteKey);
    const lease = ctx.spec.leaseSeconds;
    const local = `${job.suiteKey}\u0000${job.itemKey}`;
    // A job pg-boss retried while this process still runs it (it outlived the job's expiry).
    const claim = running.has(local)
      ? ({ kind: "held" } as const)
      : await store.items.claim(job.suiteKey, job.itemKey, owner, lease);
    if (claim.kind === "finished") return;
    if (claim.kind === "held") {
      await queue.sendLater(job, lease / 2, lease); // its worker is alive; look again when its lease could lapse
      return;
    }
    inFlight++;
    running.add(local);
    const h = held.get(job.suiteKey) ?? { lease, count: 0 };
    h.count++;
    held.set(job.suiteKey, h);
    try {
      const item = await store.items.item(job.suiteKey, job.itemKey);
      if (!item) return;
      const outcome = await executeItem(ctx, item, owner);
      if (!(await store.items.finish(job.suiteKey, job.itemKey, owner, outcome)))
        log(`${job.itemKey}: another worker took this run over; its outcome is theirs to record`);
      else finished++;
    } finally {
      inFlight--;
      running.delete(local);
      if (--h.count === 0) held.delete(job.suiteKey);
    }
  };
  await queue.work(o.concurrency, handle);
  try {
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      if (o.signal?.aborted) break;
      if (o.exitWhenDone && inFlight === 0) {
        const s = await store.items.status(o.exitWhenSuiteDone);
        if (s.queued === 0 && s.running === 0) break;
      }
    }
  } finally {
    clearInterval(heartbeat);
    await queue.stop().catch(() => {});
    await store.close().catch(() => {});
  }
  log(`worker ${owner}: stopped after ${finished} items`);
  return { owner, itemsFinished: finished };
}
