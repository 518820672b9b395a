import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import {
  EVENTS_FILE,
  JsonlRunStore,
  MANIFEST_FILE,
  type RunEvent,
  type RunLog,
  type RunManifest,
  type RunStore,
  writeFileAtomic,
} from "@vlmopt/core";

/**
 * A run kept in a shared store (the primary, read from and written first) and mirrored into a
 * local run directory, so that everything that reads a run directory (reports) keeps working.
 */
export class MirroredRunStore implements RunStore {
  readonly specificationVersion = "v1" as const;
  constructor(
    private readonly primary: RunStore,
    private readonly mirror: JsonlRunStore,
  ) {}
  get location(): string {
    return this.primary.location;
  }
  async writeManifest(manifest: RunManifest): Promise<void> {
    await this.primary.writeManifest(manifest);
    await this.mirror.writeManifest(manifest);
  }
  readManifest(): Promise<RunManifest | null> {
    return this.primary.readManifest();
  }
  async append(event: RunEvent): Promise<void> {
    await this.primary.append(event);
    await this.mirror.append(event);
  }
  readLog(): Promise<RunLog> {
    return this.primary.readLog();
  }
  async writeJson(name: string, value: unknown): Promise<void> {
    await this.primary.writeJson(name, value);
    await this.mirror.writeJson(name, value);
  }
  readJson(name: string): Promise<unknown | null> {
    return this.primary.readJson(name);
  }
  close(): void {
    this.mirror.close();
  }
}

/**
 * Writes a stored run into a local run directory (manifest.json, events.jsonl, results.json), as
 * the file store would have written it; returns false when the store has no such run.
 */
export async function copyRunToDir(store: RunStore, dir: string): Promise<boolean> {
  const manifest = await store.readManifest();
  if (!manifest) return false;
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  const { events } = await store.readLog();
  await writeFileAtomic(join(dir, EVENTS_FILE), events.map((e) => `${JSON.stringify(e)}\n`).join(""));
  const results = await store.readJson("results");
  if (results !== null) await new JsonlRunStore(dir).writeJson("results", results);
  return true;
}
