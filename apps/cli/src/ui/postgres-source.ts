import type { RunManifest, RunResult } from "@vlmopt/core";
import { openPostgresStore, type PostgresStore, type StoredRunSummary } from "@vlmopt/store-postgres";
import type { TransferResult } from "../commands/transfer.js";
import type { RunInput } from "../run-view/run-input.js";
import type { RunSource, SuiteInput } from "./run-source.js";

const signatureOf = (r: StoredRunSummary) => `${r.lastEventId}|${r.documentsAt ?? "-"}`;

/**
 * The runs of a shared PostgreSQL store (`vlmopt ui --store postgres://…`), read through
 * @vlmopt/store-postgres's reading API (listRuns, runStore(key).readManifest/readLog/readJson):
 * a run's id is its run key. Read-only: it never writes a run. Suites are the bench's (its
 * `report --store` turns a stored suite into results.json and report.html), so none are listed here.
 */
export class PostgresRunSource implements RunSource {
  readonly specificationVersion = "v1" as const;
  /** Parsed runs by key, reused while their last event id and documents' time stay the same. */
  private readonly cache = new Map<string, { signature: string; input: RunInput }>();

  constructor(private readonly store: PostgresStore) {}

  /** Opens the store (a pool of at most 2 connections) and returns the source over it. */
  static async open(url: string): Promise<PostgresRunSource> {
    return new PostgresRunSource(await openPostgresStore(url, { max: 2, applicationName: "vlmopt-ui" }));
  }

  /** The store's URL with the password masked. */
  get location(): string {
    return this.store.shownUrl;
  }

  async listRuns(): Promise<string[]> {
    return (await this.store.listRuns()).map((r) => r.runKey);
  }

  async readRun(id: string): Promise<RunInput | null> {
    const summary = (await this.store.listRuns()).find((r) => r.runKey === id);
    if (!summary) return null;
    const signature = signatureOf(summary);
    const cached = this.cache.get(id);
    if (cached?.signature === signature) return cached.input;
    const run = this.store.runStore(id);
    const manifest = (await run.readManifest()) as RunManifest | null;
    if (!manifest) return null;
    const events = (await run.readLog()).events;
    const result = (await run.readJson("results")) as RunResult | null;
    const transfers: RunInput["transfers"] = [];
    for (const name of await run.listJson("transfer-")) {
      const value = (await run.readJson(name)) as TransferResult | null;
      if (value) transfers.push({ file: `${name}.json`, value });
    }
    const input: RunInput = { id, manifest, events, result, transfers };
    this.cache.set(id, { signature, input });
    return input;
  }

  async listSuites(): Promise<string[]> {
    return [];
  }

  async readSuite(): Promise<SuiteInput | null> {
    return null;
  }

  /**
   * Polls the store every `intervalMs` with one query (each run's last event id and documents'
   * time) and reports the runs that changed or appeared. One poll at a time; a failed poll (the
   * server went away) is skipped and the next one tries again.
   */
  watch(onChange: (runIds: string[]) => void, intervalMs = 1000): () => void {
    const seen = new Map<string, string>();
    let first = true;
    let busy = false;
    const poll = async () => {
      if (busy) return;
      busy = true;
      try {
        const changed: string[] = [];
        for (const r of await this.store.listRuns()) {
          const now = signatureOf(r);
          if (seen.get(r.runKey) !== now) {
            if (!first) changed.push(r.runKey);
            seen.set(r.runKey, now);
          }
        }
        first = false;
        if (changed.length) onChange(changed);
      } catch {
        // the store is unreachable for now: the next poll tries again
      } finally {
        busy = false;
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Closes the store's pool. */
  close(): Promise<void> {
    return this.store.close();
  }
}
