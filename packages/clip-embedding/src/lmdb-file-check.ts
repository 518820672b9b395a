import { closeSync, openSync, readSync, statSync } from "node:fs";

/**
 * LMDB maps its data file into memory, so a truncated file makes a read past its end kill the
 * process with SIGBUS instead of returning an error. This reads the two meta pages first and
 * returns a description of what is wrong, or null when the file covers every page the newest
 * meta page says is in use.
 *
 * Layout: each meta page starts with a page header, then MDB_meta { uint32 mm_magic
 * (0xBEEFC0DE), uint32 mm_version, void* mm_address, size_t mm_mapsize, MDB_db mm_dbs[2]
 * (48 bytes each; mm_dbs[0].md_pad holds the page size), pgno_t mm_last_pg, txnid_t mm_txnid }
 * (https://github.com/LMDB/lmdb/blob/mdb.master/libraries/liblmdb/mdb.c, `struct MDB_meta`).
 * lmdb-js's LMDB adds a txnid to the page header (24 bytes instead of 16), so the magic is
 * searched at both offsets.
 */
export function lmdbFileProblem(path: string): string | null {
  const size = statSync(path).size;
  if (size === 0) return null; // created, never written: LMDB initialises it
  const fd = openSync(path, "r");
  try {
    const first = Buffer.alloc(256);
    const got = readSync(fd, first, 0, first.length, 0);
    const metaAt = [16, 24].find((o) => got >= o + 136 && first.readUInt32LE(o) === 0xbeefc0de);
    if (metaAt === undefined) return "not an LMDB file (no meta page)";
    const pageSize = first.readUInt32LE(metaAt + 24);
    if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0)
      return "corrupt (bad page size)";
    if (size < pageSize * 2) return `truncated (${size} bytes, under two ${pageSize}-byte meta pages)`;
    const metas = [first, Buffer.alloc(256)];
    readSync(fd, metas[1] as Buffer, 0, 256, pageSize);
    let newest: { lastPage: number; txnid: number } | null = null;
    for (const m of metas) {
      if (m.readUInt32LE(metaAt) !== 0xbeefc0de) continue;
      const lastPage = Number(m.readBigUInt64LE(metaAt + 120));
      const txnid = Number(m.readBigUInt64LE(metaAt + 128));
      if (!newest || txnid > newest.txnid) newest = { lastPage, txnid };
    }
    if (!newest) return "corrupt (no valid meta page)";
    const needed = (newest.lastPage + 1) * pageSize;
    if (size < needed) return `truncated (${size} bytes, its pages need ${needed})`;
    return null;
  } finally {
    closeSync(fd);
  }
}
