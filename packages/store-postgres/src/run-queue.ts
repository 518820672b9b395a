import PgBoss from "pg-boss";
import { maskUrl, maskUrlsIn } from "./connection-url.js";

/** Retries of one job (each worker death uses one). */
const RETRY_LIMIT = 50;
const leaseOf = (seconds: number) => Math.min(23 * 3600, Math.max(1, Math.round(seconds)));

/** The pg-boss queue holding one job per suite item. */
export const RUN_QUEUE = "vlmopt-suite-items";

export interface QueueJob {
  suiteKey: string;
  itemKey: string;
}

export interface RunQueueOptions {
  /** Connections pg-boss may open (bounded). Default 2. */
  poolSize?: number;
  /** How often expired jobs are looked for (seconds, fleet-wide; ≥ 1). Default 2. */
  maintenanceSeconds?: number;
  /** How often an idle worker polls (seconds, ≥ 0.5). Default 2. */
  pollingSeconds?: number;
  log?: (line: string) => void;
}

/**
 * The job queue on the store's database, with pg-boss 10 (the last major for Node 20; 11+ need
 * Node 22). API per its docs and types: new PgBoss({connectionString, max, maintenanceIntervalSeconds}),
 * start(), createQueue(name, {retryLimit, expireInSeconds}), send(name, data, options),
 * sendAfter(name, data, options, seconds), work(name, {batchSize, pollingIntervalSeconds}, handler),
 * stop(): https://raw.githubusercontent.com/timgit/pg-boss/master/docs/api/jobs.md and
 * .../docs/api/workers.md, checked against types.d.ts and src/manager.js of pg-boss 10.4.2 (work() fails a
 * job whose handler outlives expireInSeconds; maintenance fails expired active jobs and retries them).
 * Expired jobs (worker killed) are failed by maintenance and retried (retryLimit).
 */
export class RunQueue {
  private constructor(
    private readonly boss: PgBoss,
    private readonly pollingSeconds: number,
  ) {}

  static async open(url: string, options: RunQueueOptions = {}): Promise<RunQueue> {
    const maintenance = Math.max(1, Math.round(options.maintenanceSeconds ?? 2));
    const boss = new PgBoss({
      connectionString: url,
      max: Math.min(8, Math.max(1, options.poolSize ?? 2)),
      maintenanceIntervalSeconds: maintenance,
      application_name: "vlmopt-queue",
    });
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    boss.on("error", (error) => log(`warning: queue ${maskUrl(url)}: ${maskUrlsIn(error.message, [url])}`));
    await boss.start();
    await boss.createQueue(RUN_QUEUE, {
      name: RUN_QUEUE,
      retryLimit: RETRY_LIMIT,
      retryDelay: 0,
    });
    return new RunQueue(boss, Math.max(0.5, options.pollingSeconds ?? 2));
  }

  /**
   * Enqueues one job per item. `leaseSeconds`: after that long without completing, pg-boss treats
   * the job as expired (its worker died) and retries it; the item's heartbeat lease stops a retry
   * from running a run whose worker is still alive.
   */
  async send(jobs: readonly QueueJob[], leaseSeconds: number): Promise<void> {
    for (const job of jobs) {
      await this.boss.send(
        RUN_QUEUE,
        { ...job },
        { expireInSeconds: leaseOf(leaseSeconds), retryLimit: RETRY_LIMIT },
      );
    }
  }

  /** Enqueues a job again after `seconds` (its item is held by a live worker; look again later). */
  async sendLater(job: QueueJob, seconds: number, leaseSeconds: number): Promise<void> {
    await this.boss.sendAfter(
      RUN_QUEUE,
      { ...job },
      { expireInSeconds: leaseOf(leaseSeconds), retryLimit: RETRY_LIMIT },
      Math.max(1, Math.round(seconds)),
    );
  }

  /** Starts `concurrency` pollers, each handling one job at a time. */
  async work(concurrency: number, handler: (job: QueueJob) => Promise<void>): Promise<void> {
    for (let i = 0; i < concurrency; i++) {
      await this.boss.work<QueueJob>(
        RUN_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: this.pollingSeconds },
        async (jobs) => {
          for (const job of jobs) await handler(job.data);
        },
      );
    }
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 5000 });
  }
}
