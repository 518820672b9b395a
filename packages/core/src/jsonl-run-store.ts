import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { RunStoreError } from "./errors.js";
import type { RunEvent } from "./run-events.js";
import type { RunManifest } from "./run-manifest.js";
import { type RunLog, type RunStore, redactSecrets } from "./run-store.js";
import { writeFileAtomic } from "./write-file-atomic.js";

export const EVENTS_FILE = "events.jsonl";
export const MANIFEST_FILE = "manifest.json";

/**
 * The default run store: a directory with `manifest.json`, an append-only `events.jsonl`
 * (one event per line, fsync'd on append) and JSON documents such as `results.json`.
 * A torn last line (a crash mid-write) is tolerated: it is reported and cut off before appending.
 */
export class JsonlRunStore implements RunStore {
  readonly specificationVersion = "v1" as const;
  private fd: number | null = null;

  constructor(readonly dir: string) {}

  get location(): string {
    return this.dir;
  }

  async writeManifest(manifest: RunManifest): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(
      join(this.dir, MANIFEST_FILE),
      `${JSON.stringify(redactSecrets(manifest), null, 2)}\n`,
    );
  }

  async readManifest(): Promise<RunManifest | null> {
    const value = await this.readJsonFile(MANIFEST_FILE);
    if (value === null) return null;
    // zod loads only here (not with @vlmopt/core), when a manifest is read back.
    const { parseRunManifest } = await import("./run-manifest-schema.js");
    return parseRunManifest(value, join(this.dir, MANIFEST_FILE));
  }

  async append(event: RunEvent): Promise<void> {
    if (this.fd === null) {
      await mkdir(this.dir, { recursive: true });
      await this.repairTornTail();
      this.fd = openSync(join(this.dir, EVENTS_FILE), "a");
    }
    writeSync(this.fd, `${JSON.stringify(redactSecrets(event))}\n`);
    fsyncSync(this.fd);
  }

  async readLog(): Promise<RunLog> {
    let text: string;
    try {
      text = await readFile(join(this.dir, EVENTS_FILE), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { events: [] };
      throw new RunStoreError(`cannot read ${join(this.dir, EVENTS_FILE)}: ${(error as Error).message}`);
    }
    return parseEventLog(text, join(this.dir, EVENTS_FILE));
  }

  async writeJson(name: string, value: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(
      join(this.dir, `${name}.json`),
      `${JSON.stringify(redactSecrets(value), null, 2)}\n`,
    );
  }

  async readJson(name: string): Promise<unknown | null> {
    return this.readJsonFile(`${name}.json`);
  }

  /** Closes the event log file. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private async readJsonFile(file: string): Promise<unknown | null> {
    const path = join(this.dir, file);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new RunStoreError(`cannot read ${path}: ${(error as Error).message}`);
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new RunStoreError(`${path} is not valid JSON: ${(error as Error).message}`, {
        hint: "the file was edited or damaged; restore it or start a new run",
      });
    }
  }

  /** Cuts a torn last line so that appended events start on a fresh line. */
  private async repairTornTail(): Promise<void> {
    const path = join(this.dir, EVENTS_FILE);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch {
      return;
    }
    const log = parseEventLog(text, path);
    if (!log.tornTail) return;
    const keep = text.length === 0 ? "" : text.slice(0, text.lastIndexOf("\n") + 1);
    await writeFileAtomic(path, keep);
  }
}

/** Parses JSONL; only the last line may be torn (no newline and not valid JSON). */
export function parseEventLog(text: string, where: string): RunLog {
  const lines = text.split("\n");
  const events: RunEvent[] = [];
  let tornTail: RunLog["tornTail"];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === "") continue;
    const isLast = i === lines.length - 1; // no trailing newline after it
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {
      if (isLast) {
        tornTail = { line: i + 1, bytes: Buffer.byteLength(line) };
        continue;
      }
      throw new RunStoreError(`${where}: line ${i + 1} is not valid JSON`, {
        hint: "only the last line of an event log may be damaged (a crash mid-write); the log was edited",
      });
    }
  }
  return tornTail ? { events, tornTail } : { events };
}
