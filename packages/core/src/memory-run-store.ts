import type { RunEvent } from "./run-events.js";
import type { RunManifest } from "./run-manifest.js";
import type { RunLog, RunStore } from "./run-store.js";

/** A RunStore in memory, for benchmarks and tests that need no files (nothing is durable). */
export class MemoryRunStore implements RunStore {
  readonly specificationVersion = "v1" as const;
  readonly events: RunEvent[] = [];
  private manifest: RunManifest | null = null;
  private readonly docs = new Map<string, unknown>();

  constructor(readonly location = "memory:run") {}

  async writeManifest(manifest: RunManifest): Promise<void> {
    this.manifest = structuredClone(manifest);
  }
  async readManifest(): Promise<RunManifest | null> {
    return this.manifest;
  }
  async append(event: RunEvent): Promise<void> {
    this.events.push(event);
  }
  async readLog(): Promise<RunLog> {
    return { events: this.events.slice() };
  }
  async writeJson(name: string, value: unknown): Promise<void> {
    this.docs.set(name, value);
  }
  async readJson(name: string): Promise<unknown | null> {
    return this.docs.get(name) ?? null;
  }
}
