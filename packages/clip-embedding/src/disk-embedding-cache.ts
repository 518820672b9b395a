import {
  closeSync,
  constants,
  existsSync,
  fdatasyncSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import type { ContentHashMemo, EmbeddingCache, RememberedHash } from "@vlmopt/core";
import { sha256Hex } from "@vlmopt/core";
import { type Database, open, type RootDatabase, type Transaction } from "lmdb";
import { damagedStore } from "./feature-store-error.js";
import { legacyFolders, readLegacyFolder, removeLegacyFolder } from "./legacy-vector-files.js";
import { lmdbFileProblem } from "./lmdb-file-check.js";

export interface DiskEmbeddingCacheOptions {
  /** The store's folder (vlmopt uses `<cache dir>/features`). */
  dir: string;
}

/** The store's two files inside its folder. */
export const FEATURE_STORE_FILES = { index: "index.mdb", vectors: "vectors.f32" } as const;

/** An index entry: float64 byte offset in vectors.f32, uint32 length in floats. */
const ENTRY_BYTES = 12;
/** A file record: float64 size, float64 mtimeMs, float64 inode, 32-byte sha256. */
const FILE_RECORD_BYTES = 56;
/** Longer keys (LMDB allows 1,978 bytes) are stored under their sha256. */
const MAX_KEY_BYTES = 1024;
const END_KEY = "vectors-end";
/** Bumped whenever a stored key moves to another offset / whenever a file record changes. */
const VECTORS_GENERATION = "vectors-generation";
const FILES_GENERATION = "files-generation";
/** Lookups of at least this many keys or paths are remembered as one manifest (see matchMany). */
const MANIFEST_MIN_ROWS = 256;

interface Store {
  root: RootDatabase<Buffer, string>;
  vectors: Database<Buffer, string>;
  legacy: Database<Buffer, Buffer>;
  files: Database<Buffer, string>;
  splits: Database<Buffer, string>;
  fd: number;
}

const storeKey = (key: string) => (Buffer.byteLength(key) > MAX_KEY_BYTES ? `sha256:${sha256Hex(key)}` : key);
const bytesOf = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

function entryOf(offset: number, length: number): Buffer {
  const b = Buffer.alloc(ENTRY_BYTES);
  b.writeDoubleLE(offset, 0);
  b.writeUInt32LE(length, 8);
  return b;
}

function float64(value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value, 0);
  return b;
}

/**
 * `getBinaryFast` in a given read transaction: the value in a reused buffer, valid until the next
 * get (lmdb-js's read.js takes `options.transaction` here as in `get`; its typings omit it).
 */
function fastGet<K extends string | Buffer>(
  db: Database<Buffer, K>,
  key: K,
  transaction: Transaction,
): Buffer | undefined {
  return (db.getBinaryFast as (k: K, o: { transaction: Transaction }) => Buffer | undefined).call(db, key, {
    transaction,
  });
}

function writeAll(fd: number, data: Uint8Array, position: number): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done, position + done);
}

/**
 * The disk feature store: one per cache folder, shared by every process that uses it.
 *
 * - `index.mdb` is an LMDB environment (lmdb-js, https://github.com/kriszyp/lmdb-js#readme): key →
 *   (offset, length) of each vector, the content-hash memo of image files (ContentHashMemo), and
 *   the end of the vector file. LMDB's single-writer lock (across processes) orders all writes.
 * - `vectors.f32` holds the raw float32 values (little-endian), appended under that lock.
 *   Vectors live outside the B-tree because LMDB would put each 4 KB value in two overflow
 *   pages (2× the bytes on disk), and a bulk read with `read()` into the caller's matrix does
 *   not also map every page into the process.
 *
 * `matchMany` looks up a whole split in one read transaction and reads runs of consecutive rows
 * with one `read` each. A vector of another length is a miss. A damaged store (an index that is
 * not LMDB or is truncated, a vector file shorter than its index) throws one FeatureStoreError
 * naming the file and how to rebuild. The old one-file-per-vector cache found in the same folder
 * is migrated in place on first use, without re-encoding anything.
 */
export class DiskEmbeddingCache implements EmbeddingCache, ContentHashMemo {
  readonly dir: string;
  readonly indexPath: string;
  readonly vectorsPath: string;
  private store: Store | null = null;
  private opening: Promise<Store> | null = null;
  private pending: [string, Float32Array][] = [];
  private flushing: Promise<void> | null = null;

  constructor(options: DiskEmbeddingCacheOptions) {
    this.dir = options.dir;
    this.indexPath = join(this.dir, FEATURE_STORE_FILES.index);
    this.vectorsPath = join(this.dir, FEATURE_STORE_FILES.vectors);
  }

  private ready(): Promise<Store> {
    if (this.store) return Promise.resolve(this.store);
    this.opening ??= this.openStore().then(
      (s) => (this.store = s),
      (e) => {
        this.opening = null;
        throw e;
      },
    );
    return this.opening;
  }

  private async openStore(): Promise<Store> {
    mkdirSync(this.dir, { recursive: true });
    if (existsSync(this.indexPath)) {
      const problem = lmdbFileProblem(this.indexPath);
      if (problem) throw damagedStore(this.indexPath, this.dir, problem);
    }
    let store: Store;
    try {
      const root = open<Buffer, string>({
        path: this.indexPath,
        noSubdir: true,
        encoding: "binary",
        maxDbs: 8,
      });
      store = {
        root,
        vectors: root.openDB<Buffer, string>({ name: "vectors", encoding: "binary" }),
        legacy: root.openDB<Buffer, Buffer>({ name: "legacy", encoding: "binary", keyEncoding: "binary" }),
        files: root.openDB<Buffer, string>({ name: "files", encoding: "binary" }),
        splits: root.openDB<Buffer, string>({ name: "splits", encoding: "binary" }),
        fd: -1,
      };
      root.get(END_KEY);
    } catch (error) {
      throw damagedStore(this.indexPath, this.dir, `unreadable (${(error as Error).message})`, error);
    }
    store.fd = openSync(this.vectorsPath, constants.O_RDWR | constants.O_CREAT, 0o644);
    const size = fstatSync(store.fd).size;
    const end = this.endOf(store);
    if (size < end) {
      closeSync(store.fd);
      await store.root.close();
      throw damagedStore(this.vectorsPath, this.dir, `truncated (${size} bytes; its index needs ${end})`);
    }
    await this.migrateLegacy(store);
    return store;
  }

  private endOf(s: Store, transaction?: Transaction): number {
    const b = transaction ? s.root.get(END_KEY, { transaction }) : s.root.get(END_KEY);
    return b && b.length === 8 ? b.readDoubleLE(0) : 0;
  }

  /** Imports `<dir>/<2 hex>/<sha256>.f32` files by key hash (looked up on a miss), then deletes them. */
  private async migrateLegacy(s: Store): Promise<void> {
    for (const folder of await legacyFolders(this.dir)) {
      const { vectors, files } = await readLegacyFolder(folder);
      if (vectors.length > 0) {
        s.root.transactionSync(() => {
          let end = this.endOf(s);
          const start = end;
          const parts: Buffer[] = [];
          for (const v of vectors) {
            if (s.legacy.get(v.keyHash)) continue;
            s.legacy.putSync(v.keyHash, entryOf(end, v.values.length));
            parts.push(bytesOf(v.values));
            end += v.values.byteLength;
          }
          if (parts.length === 0) return;
          writeAll(s.fd, Buffer.concat(parts), start);
          fdatasyncSync(s.fd);
          s.root.putSync(END_KEY, float64(end));
        });
      }
      await removeLegacyFolder(folder, files);
    }
  }

  private generation(s: Store, name: string, transaction?: Transaction): number {
    const b = transaction ? fastGet(s.root, name, transaction) : s.root.get(name);
    return b && b.length === 8 ? b.readDoubleLE(0) : 0;
  }

  /** Stores a manifest unless the generation it was read under has changed since. */
  private writeManifest(
    s: Store,
    generationKey: string,
    generation: number,
    key: string,
    body: Buffer,
  ): void {
    s.root.transactionSync(() => {
      if (this.generation(s, generationKey) !== generation) return;
      body.writeDoubleLE(generation, 0);
      s.splits.putSync(key, body);
    });
  }

  private hasLegacy(s: Store, transaction: Transaction): boolean {
    for (const _ of s.legacy.getKeys({ limit: 1, transaction })) return true;
    return false;
  }

  async matchMany(keys: readonly string[], into: Float32Array): Promise<Uint8Array> {
    const found = new Uint8Array(keys.length);
    if (keys.length === 0) return found;
    const s = await this.ready();
    const dim = into.length / keys.length;
    const rowBytes = dim * 4;
    const rows = new Int32Array(keys.length);
    const offsets = new Float64Array(keys.length);
    let hits = 0;
    let sorted = true;
    const promote: { key: string; hash: Buffer; entry: Buffer }[] = [];
    let end = 0;
    // A split read before (every key a hit) is one manifest: its offsets in row order, valid while
    // no stored key has moved. Then a warm split costs one get instead of one per key.
    const manifestKey =
      keys.length >= MANIFEST_MIN_ROWS ? `vectors:${dim}:${sha256Hex(keys.join("\n"))}` : null;
    let fromManifest = false;
    let generation = 0;
    const transaction = s.root.useReadTransaction();
    try {
      generation = this.generation(s, VECTORS_GENERATION, transaction);
      const m = manifestKey ? fastGet(s.splits, manifestKey, transaction) : undefined;
      if (m && m.length === 8 + keys.length * 8 && m.readDoubleLE(0) === generation) {
        for (let i = 0; i < keys.length; i++) {
          rows[i] = i;
          offsets[i] = m.readDoubleLE(8 + i * 8);
          if (i > 0 && (offsets[i] as number) < (offsets[i - 1] as number)) sorted = false;
        }
        hits = keys.length;
        fromManifest = true;
      }
      const legacy = !fromManifest && this.hasLegacy(s, transaction);
      for (let i = 0; i < keys.length && !fromManifest; i++) {
        const key = storeKey(keys[i] as string);
        let entry = fastGet(s.vectors, key, transaction);
        if (!entry && legacy) {
          const hash = Buffer.from(sha256Hex(keys[i] as string), "hex");
          entry = fastGet(s.legacy, hash, transaction);
          if (entry) promote.push({ key, hash, entry: Buffer.from(entry.subarray(0, entry.length)) });
        }
        if (!entry || entry.length !== ENTRY_BYTES || entry.readUInt32LE(8) !== dim) continue;
        const offset = entry.readDoubleLE(0);
        if (hits > 0 && offset < (offsets[hits - 1] as number)) sorted = false;
        rows[hits] = i;
        offsets[hits] = offset;
        hits++;
      }
      end = this.endOf(s, transaction);
    } finally {
      transaction.done();
    }
    // Visit hits by file offset, so that rows stored one after another are read with one call.
    let order = Array.from({ length: hits }, (_, k) => k);
    if (!sorted) order = order.sort((a, b) => (offsets[a] as number) - (offsets[b] as number));
    for (let r = 0; r < hits; ) {
      const head = order[r] as number;
      const row = rows[head] as number;
      const offset = offsets[head] as number;
      let count = 1;
      while (r + count < hits) {
        const next = order[r + count] as number;
        if (rows[next] !== row + count || offsets[next] !== offset + count * rowBytes) break;
        count++;
      }
      const bytes = count * rowBytes;
      if (offset + bytes > end)
        throw damagedStore(this.indexPath, this.dir, "corrupt (an entry points past the vector file's end)");
      const view = new Uint8Array(into.buffer, into.byteOffset + row * rowBytes, bytes);
      let got = 0;
      while (got < bytes) {
        const n = readSync(s.fd, view, got, bytes - got, offset + got);
        if (n === 0)
          throw damagedStore(this.vectorsPath, this.dir, `truncated (ends before byte ${offset + bytes})`);
        got += n;
      }
      found.fill(1, row, row + count);
      r += count;
    }
    if (manifestKey && !fromManifest && hits === keys.length) {
      const body = Buffer.alloc(8 + keys.length * 8);
      for (let i = 0; i < keys.length; i++) body.writeDoubleLE(offsets[i] as number, 8 + i * 8);
      this.writeManifest(s, VECTORS_GENERATION, generation, manifestKey, body);
    }
    if (promote.length > 0) {
      s.root.transactionSync(() => {
        for (const p of promote) {
          s.vectors.putSync(p.key, p.entry);
          s.legacy.removeSync(p.hash);
        }
      });
    }
    return found;
  }

  async match(key: string): Promise<Float32Array | undefined> {
    const s = await this.ready();
    let entry = s.vectors.get(storeKey(key));
    if (!entry) {
      const transaction = s.root.useReadTransaction();
      try {
        if (this.hasLegacy(s, transaction))
          entry = s.legacy.get(Buffer.from(sha256Hex(key), "hex"), { transaction });
      } finally {
        transaction.done();
      }
    }
    if (!entry || entry.length !== ENTRY_BYTES) return undefined;
    const out = new Float32Array(entry.readUInt32LE(8));
    return (await this.matchMany([key], out))[0] ? out : undefined;
  }

  async putMany(entries: readonly (readonly [key: string, value: Float32Array])[]): Promise<void> {
    if (entries.length === 0) return;
    const s = await this.ready();
    const last = new Map<string, Float32Array>();
    for (const [key, value] of entries) last.set(storeKey(key), value);
    s.root.transactionSync(() => {
      let end = this.endOf(s);
      const start = end;
      const parts: Buffer[] = [];
      let moved = false;
      for (const [key, value] of last) {
        const old = s.vectors.get(key);
        let offset: number;
        if (old && old.length === ENTRY_BYTES && old.readUInt32LE(8) === value.length) {
          offset = old.readDoubleLE(0);
          writeAll(s.fd, bytesOf(value), offset);
        } else {
          if (old) moved = true;
          offset = end;
          end += value.byteLength;
          parts.push(bytesOf(value));
        }
        s.vectors.putSync(key, entryOf(offset, value.length));
      }
      if (parts.length > 0) writeAll(s.fd, Buffer.concat(parts), start);
      // The index must never point at bytes that a crash could lose.
      fdatasyncSync(s.fd);
      s.root.putSync(END_KEY, float64(end));
      if (moved) s.root.putSync(VECTORS_GENERATION, float64(this.generation(s, VECTORS_GENERATION) + 1));
    });
  }

  /** Puts made in the same event-loop turn are written in one transaction. */
  put(key: string, value: Float32Array): Promise<void> {
    this.pending.push([key, value.slice()]);
    this.flushing ??= new Promise<void>((r) => setImmediate(r)).then(() => {
      const batch = this.pending;
      this.pending = [];
      this.flushing = null;
      return this.putMany(batch);
    });
    return this.flushing;
  }

  async recallHashes(paths: readonly string[]): Promise<(RememberedHash | undefined)[]> {
    const s = await this.ready();
    const n = paths.length;
    // As in matchMany: a list of paths looked up before is one manifest of records, valid while
    // no record has changed since.
    const manifestKey = n >= MANIFEST_MIN_ROWS ? `files:${sha256Hex(paths.join("\n"))}` : null;
    let packed: Buffer | null = null;
    let generation = 0;
    let fromManifest = false;
    const transaction = s.root.useReadTransaction();
    try {
      generation = this.generation(s, FILES_GENERATION, transaction);
      const m = manifestKey ? fastGet(s.splits, manifestKey, transaction) : undefined;
      if (m && m.length === 8 + n * FILE_RECORD_BYTES && m.readDoubleLE(0) === generation) {
        packed = Buffer.from(m.subarray(0, m.length));
        fromManifest = true;
      } else {
        packed = Buffer.alloc(8 + n * FILE_RECORD_BYTES);
        for (let i = 0; i < n; i++) {
          const b = fastGet(s.files, storeKey(paths[i] as string), transaction);
          if (b && b.length === FILE_RECORD_BYTES)
            packed.set(b.subarray(0, FILE_RECORD_BYTES), 8 + i * FILE_RECORD_BYTES);
          else packed.writeDoubleLE(-1, 8 + i * FILE_RECORD_BYTES);
        }
      }
    } finally {
      transaction.done();
    }
    if (manifestKey && !fromManifest)
      this.writeManifest(s, FILES_GENERATION, generation, manifestKey, packed);
    const out: (RememberedHash | undefined)[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const at = 8 + i * FILE_RECORD_BYTES;
      const size = packed.readDoubleLE(at);
      out[i] =
        size < 0
          ? undefined
          : {
              path: paths[i] as string,
              size,
              mtimeMs: packed.readDoubleLE(at + 8),
              ino: packed.readDoubleLE(at + 16),
              sha256: packed.toString("hex", at + 24, at + 56),
            };
    }
    return out;
  }

  async rememberHashes(records: readonly RememberedHash[]): Promise<void> {
    if (records.length === 0) return;
    const s = await this.ready();
    s.root.transactionSync(() => {
      for (const r of records) {
        const b = Buffer.alloc(FILE_RECORD_BYTES);
        b.writeDoubleLE(r.size, 0);
        b.writeDoubleLE(r.mtimeMs, 8);
        b.writeDoubleLE(r.ino, 16);
        b.write(r.sha256, 24, "hex");
        s.files.putSync(storeKey(r.path), b);
      }
      s.root.putSync(FILES_GENERATION, float64(this.generation(s, FILES_GENERATION) + 1));
    });
  }

  /** Writes pending puts and closes the files (the store reopens on the next call). */
  async close(): Promise<void> {
    await this.flushing;
    const s = this.store;
    this.store = null;
    this.opening = null;
    if (!s) return;
    closeSync(s.fd);
    await s.root.close();
  }
}
