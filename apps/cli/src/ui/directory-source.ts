import { existsSync } from "node:fs";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { ConfigError, MANIFEST_FILE } from "@vlmopt/core";
import { readRunInput } from "../run-view/read-run-input.js";
import type { RunInput } from "../run-view/run-input.js";
import type { RunSource, SuiteInput, SuiteResultsDocument } from "./run-source.js";

const MAX_DEPTH = 6;
const SKIP = new Set(["node_modules", "cache", ".git"]);

/** Is `child` inside `root` (or root itself)? Both absolute and resolved. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

function isSuiteResults(value: unknown): value is SuiteResultsDocument {
  const v = value as Partial<SuiteResultsDocument> | null;
  return !!v && typeof v === "object" && v.formatVersion === 1 && !!v.identity && Array.isArray(v.records);
}

/**
 * A runs folder: every directory with a manifest.json is a run, every directory whose
 * results.json is a vlmopt-bench suite's is a suite. Ids are "/"-separated paths relative to the
 * folder; only ids found by a scan are served, and each is checked (after resolving symlinks) to
 * lie inside the folder, so no request reaches a path outside it.
 */
export class DirectoryRunSource implements RunSource {
  readonly specificationVersion = "v1" as const;
  readonly root: string;
  private runs = new Set<string>();
  private suites = new Set<string>();
  private realRoot: string | null = null;
  /** Parsed runs by id, reused while their files' sizes and mtimes stay the same. */
  private readonly cache = new Map<string, { signature: string; input: RunInput }>();

  constructor(root: string) {
    this.root = resolve(root);
    if (!existsSync(this.root))
      throw new ConfigError(`the runs folder ${this.root} does not exist`, {
        hint: "pass --runs <dir>, a folder holding run directories (vlmopt optimize --run-dir) or bench suites",
      });
  }

  get location(): string {
    return this.root;
  }

  /** Re-reads the folder tree (cheap: directory listings only). */
  async scan(): Promise<void> {
    this.realRoot ??= await realpath(this.root);
    const runs = new Set<string>();
    const suites = new Set<string>();
    const walk = async (dir: string, depth: number): Promise<void> => {
      let entries: import("node:fs").Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      const names = new Set(entries.map((e) => e.name));
      const id = relative(this.root, dir).split(sep).join("/");
      if (names.has(MANIFEST_FILE)) runs.add(id);
      else if (names.has("results.json") && (await this.readSuiteResults(dir))) suites.add(id);
      if (depth >= MAX_DEPTH) return;
      for (const e of entries) {
        if (e.isDirectory() && !e.name.startsWith(".") && !SKIP.has(e.name))
          await walk(join(dir, e.name), depth + 1);
      }
    };
    await walk(this.root, 0);
    this.runs = runs;
    this.suites = suites;
  }

  async listRuns(): Promise<string[]> {
    await this.scan();
    return [...this.runs].sort();
  }

  async listSuites(): Promise<string[]> {
    await this.scan();
    return [...this.suites].sort();
  }

  /** The directory of a scanned id, or null when its real path (symlinks resolved) leaves the folder. */
  private async dirOf(id: string): Promise<string | null> {
    const dir = resolve(this.root, ...id.split("/").filter(Boolean));
    if (!isInside(this.root, dir)) return null;
    const real = await realpath(dir).catch(() => null);
    if (!real || !this.realRoot || !isInside(this.realRoot, real)) return null;
    return dir;
  }

  async readRun(id: string): Promise<RunInput | null> {
    if (!this.runs.has(id)) await this.scan();
    if (!this.runs.has(id)) return null;
    const dir = await this.dirOf(id);
    if (!dir) return null;
    const signature = await this.signatureOf(dir);
    const cached = this.cache.get(id);
    if (cached?.signature === signature) return cached.input;
    const input = await readRunInput(dir, id);
    this.cache.set(id, { signature, input });
    return input;
  }

  /** Sizes and mtimes of a run's files: equal signatures, equal contents (files are replaced or appended). */
  private async signatureOf(dir: string): Promise<string> {
    const files = (await readdir(dir)).filter((f) => f.endsWith(".json") || f.endsWith(".jsonl")).sort();
    const parts: string[] = [];
    for (const f of files) {
      const s = await stat(join(dir, f)).catch(() => null);
      if (s) parts.push(`${f}:${s.size}:${s.mtimeMs}`);
    }
    return parts.join("|");
  }

  async readSuite(id: string): Promise<SuiteInput | null> {
    if (!this.suites.has(id)) await this.scan();
    if (!this.suites.has(id)) return null;
    const dir = await this.dirOf(id);
    if (!dir) return null;
    const results = await this.readSuiteResults(dir);
    if (!results) return null;
    const reportHtml = await readFile(join(dir, "report.html"), "utf8").catch(() => null);
    return { id, results, reportHtml };
  }

  runIdOfDir(runDir: string): string | null {
    const dir = resolve(this.root, runDir);
    if (!isInside(this.root, dir)) return null;
    const id = relative(this.root, dir).split(sep).join("/");
    return this.runs.has(id) ? id : null;
  }

  private async readSuiteResults(dir: string): Promise<SuiteResultsDocument | null> {
    try {
      const value: unknown = JSON.parse(await readFile(join(dir, "results.json"), "utf8"));
      return isSuiteResults(value) ? value : null;
    } catch {
      return null;
    }
  }

  /**
   * Polls the runs' files (size and mtime) every `intervalMs`, and the
   * folder tree every few polls, and reports the runs that changed. Polling works on every file
   * system (network mounts included), and a run appends at most a few events a second.
   */
  watch(onChange: (runIds: string[]) => void, intervalMs = 400): () => void {
    const seen = new Map<string, string>();
    let polls = 0;
    let busy = false;
    const poll = async () => {
      if (busy) return;
      busy = true;
      try {
        if (polls++ % 5 === 0) await this.scan();
        const changed: string[] = [];
        for (const id of this.runs) {
          const now = await this.signatureOf(join(this.root, ...id.split("/"))).catch(() => "-");
          if (seen.get(id) !== now) {
            if (seen.has(id) || polls > 1) changed.push(id);
            seen.set(id, now);
          }
        }
        if (changed.length) onChange(changed);
      } finally {
        busy = false;
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
