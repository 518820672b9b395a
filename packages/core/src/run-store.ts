import type { RunEvent } from "./run-events.js";
import type { RunManifest } from "./run-manifest.js";

/** What reading a run's event log found. */
export interface RunLog {
  events: RunEvent[];
  /** Set when the last line was cut off by a crash; it is ignored (and reported). */
  tornTail?: { line: number; bytes: number };
}

/**
 * Where a run's manifest, events and results live. `append` must be durable when it returns:
 * the loop appends each event before acting on it, so a run killed at any moment can resume.
 */
export interface RunStore {
  readonly specificationVersion: "v1";
  /** Human-readable location (a directory path, a URL). */
  readonly location: string;
  writeManifest(manifest: RunManifest): Promise<void>;
  readManifest(): Promise<RunManifest | null>;
  append(event: RunEvent): Promise<void>;
  readLog(): Promise<RunLog>;
  /** Writes a named JSON document atomically (e.g. "results"). */
  writeJson(name: string, value: unknown): Promise<void>;
  readJson(name: string): Promise<unknown | null>;
}

/** Keys whose values are never written by a run store. */
const SECRET_KEY = /(api[-_]?key|token|secret|password|authorization)$/i;

/** Deep copy without secret-looking fields (apiKey, authorization, ...), for anything persisted. */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEY.test(k) && typeof v === "string") continue;
      out[k] = redactSecrets(v);
    }
    return out as T;
  }
  return value;
}
