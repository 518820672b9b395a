/**
 * What identifies a file's content without reading it: where it is and what the file system says
 * about it. The same test as the model-file hash memo (`file-hashes.json`), plus the inode, so a
 * file replaced by another of the same size and mtime is still noticed.
 */
export interface FileIdentity {
  /** Absolute path. */
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

export interface RememberedHash extends FileIdentity {
  /** sha256 of the file's bytes, lower-case hex. */
  sha256: string;
}

/**
 * Remembers content hashes of files by path, so that a warm run finds its cache keys without
 * reading the files. It only stores and returns records; the caller decides whether a record
 * still describes the file (`sameIdentity`). Paths are local to one machine, so this is separate
 * from EmbeddingCache (a shared database of features has no use for it).
 */
export interface ContentHashMemo {
  /** The records stored for these absolute paths, in order (undefined where none). */
  recallHashes(paths: readonly string[]): Promise<(RememberedHash | undefined)[]>;
  rememberHashes(records: readonly RememberedHash[]): Promise<void>;
}

export function isContentHashMemo(value: unknown): value is ContentHashMemo {
  const v = value as Partial<ContentHashMemo> | null;
  return typeof v?.recallHashes === "function" && typeof v.rememberHashes === "function";
}

/** Whether a remembered record still describes the file (same path, size, mtime and inode). */
export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.path === b.path && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/** A ContentHashMemo in memory (tests, one-process use). */
export class MemoryContentHashMemo implements ContentHashMemo {
  private readonly records = new Map<string, RememberedHash>();
  async recallHashes(paths: readonly string[]): Promise<(RememberedHash | undefined)[]> {
    return paths.map((p) => this.records.get(p));
  }
  async rememberHashes(records: readonly RememberedHash[]): Promise<void> {
    for (const r of records) this.records.set(r.path, { ...r });
  }
}
