import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";
import yazl from "yazl";

export interface ArchiveEntry {
  name: string;
  data?: Buffer | string;
  type?: "file" | "directory" | "symlink" | "link";
  linkname?: string;
}

export const md5 = (b: Buffer): string => createHash("md5").update(b).digest("hex");

/** A tar (gzipped unless `gz` is false) written by tar-stream, entries as given (unsafe names too). */
export async function makeTar(entries: readonly ArchiveEntry[], gz = true): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c: unknown) => chunks.push(c as Buffer));
  const ended = new Promise<void>((done) => p.on("end", () => done()));
  for (const e of entries) {
    const type = e.type ?? "file";
    if (type === "file") p.entry({ name: e.name, mode: 0o644 }, Buffer.from(e.data ?? ""));
    else if (type === "directory") p.entry({ name: e.name, type, mode: 0o755 });
    else p.entry({ name: e.name, type, linkname: e.linkname ?? "" });
  }
  p.finalize();
  await ended;
  const tar = Buffer.concat(chunks);
  return gz ? gzipSync(tar) : tar;
}

/** A zip written by yazl. `rename` replaces a same-length name in the bytes afterwards (yazl refuses unsafe names). */
export async function makeZip(
  entries: readonly ArchiveEntry[],
  rename?: { from: string; to: string },
): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    if (e.type === "symlink") {
      zip.addBuffer(Buffer.from(e.linkname ?? ""), e.name, { mode: 0o120777 });
    } else if (e.type === "directory") zip.addEmptyDirectory(e.name);
    else zip.addBuffer(Buffer.from(e.data ?? ""), e.name, { compress: false });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  let out = Buffer.concat(chunks);
  if (rename) {
    if (rename.from.length !== rename.to.length) throw new Error("rename needs names of the same length");
    out = Buffer.from(out.toString("latin1").replaceAll(rename.from, rename.to), "latin1");
  }
  return out;
}
