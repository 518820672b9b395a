import { createReadStream, createWriteStream } from "node:fs";
import { link, mkdir, symlink } from "node:fs/promises";
import { dirname, isAbsolute, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { throwIfAborted, VlmoptError } from "@vlmopt/core";
import { extract as tarExtract } from "tar-stream";
import yauzl from "yauzl";
import type { ArchiveStep } from "./catalog.js";
import { DatasetDownloadError } from "./download-error.js";

export interface ExtractResult {
  /** Files written. */
  files: number;
  /** Entries outside `strip` (not part of the dataset) and special files (devices, FIFOs). */
  skipped: number;
}

type EntryKind = "file" | "directory" | "symlink" | "link" | "other";

const unsafe = (archive: string, entry: string, why: string) =>
  new DatasetDownloadError(`${archive}: unsafe archive entry "${entry}": ${why}`, {
    hint: "The archive is not the published one or was tampered with; nothing was installed. Delete it and download it again, or use a copy you trust",
    file: archive,
  });

/**
 * An entry's path as segments, or an error: absolute paths, drive letters, NUL bytes and `..`
 * segments are refused outright (also outside the kept prefix), backslashes count as separators.
 */
function entrySegments(archive: string, name: string): string[] {
  if (name.includes("\0")) throw unsafe(archive, name, "the name holds a NUL byte");
  if (name.startsWith("/") || name.startsWith("\\") || /^[A-Za-z]:/.test(name))
    throw unsafe(archive, name, "absolute path");
  const segments = name.split(/[\\/]+/).filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) throw unsafe(archive, name, "a '..' segment would leave the target folder");
  return segments;
}

/** Where an entry goes under `dest` (null: outside `strip`, skipped); never outside `dest`. */
function targetOf(archive: string, name: string, strip: string, dest: string): string | null {
  const segments = entrySegments(archive, name);
  const prefix = strip.split("/").filter(Boolean);
  if (prefix.some((p, i) => segments[i] !== p)) return null;
  const rest = segments.slice(prefix.length);
  if (rest.length === 0) return null;
  const target = resolve(dest, ...rest);
  if (!target.startsWith(dest + sep)) throw unsafe(archive, name, "it resolves outside the target folder");
  return target;
}

/** A symlink may only point inside `dest` (relative target, resolved from the link's folder). */
function checkSymlink(archive: string, name: string, target: string, linkTarget: string, dest: string): void {
  if (isAbsolute(linkTarget) || /^[A-Za-z]:/.test(linkTarget))
    throw unsafe(archive, name, `symlink to the absolute path ${linkTarget}`);
  const to = resolve(dirname(target), linkTarget);
  if (to !== dest && !to.startsWith(dest + sep))
    throw unsafe(archive, name, `symlink to ${linkTarget}, outside the target folder`);
}

interface Sink {
  dest: string;
  archive: string;
  strip: string;
  result: ExtractResult;
}

async function writeEntry(
  sink: Sink,
  name: string,
  kind: EntryKind,
  body: Readable | null,
  linkName: string | null,
): Promise<void> {
  const target = targetOf(sink.archive, name, sink.strip, sink.dest);
  if (target === null || kind === "other") {
    body?.resume();
    sink.result.skipped++;
    return;
  }
  if (kind === "directory") {
    body?.resume();
    await mkdir(target, { recursive: true });
    return;
  }
  await mkdir(dirname(target), { recursive: true });
  if (kind === "symlink") {
    body?.resume();
    const to = linkName ?? "";
    checkSymlink(sink.archive, name, target, to, sink.dest);
    await symlink(to, target);
    return;
  }
  if (kind === "link") {
    body?.resume();
    // A tar hard link names another entry of the archive.
    const from = linkName === null ? null : targetOf(sink.archive, linkName, sink.strip, sink.dest);
    if (from === null) throw unsafe(sink.archive, name, `hard link to ${linkName}, outside the kept files`);
    await link(from, target);
    sink.result.files++;
    return;
  }
  if (!body) throw new Error(`no data for ${name}`);
  await pipeline(body, createWriteStream(target));
  sink.result.files++;
}

const corrupt = (archive: string, format: string, error: unknown) =>
  VlmoptError.isInstance(error)
    ? error
    : new DatasetDownloadError(
        `${archive} is not a valid ${format} archive (${(error as Error)?.message ?? error})`,
        {
          hint: "The download is corrupt or incomplete; nothing was installed. Delete it and run the command again",
          file: archive,
          cause: error,
        },
      );

async function extractTar(archive: string, gz: boolean, sink: Sink, signal?: AbortSignal): Promise<void> {
  const parser = tarExtract();
  const source = createReadStream(archive);
  const feeding = gz ? pipeline(source, createGunzip(), parser) : pipeline(source, parser);
  // A parse failure ends the iteration below with the error; `feeding` rejects with the same one.
  feeding.catch(() => {});
  for await (const entry of parser) {
    throwIfAborted(signal);
    const h = entry.header;
    const kind: EntryKind =
      h.type === "file" || h.type === "contiguous-file"
        ? "file"
        : h.type === "directory"
          ? "directory"
          : h.type === "symlink"
            ? "symlink"
            : h.type === "link"
              ? "link"
              : "other";
    // tar-stream entries are streamx Readables: async-iterable, with resume() to skip the data.
    await writeEntry(sink, h.name, kind, entry as unknown as Readable, h.linkname ?? null);
  }
  await feeding;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((done, fail) =>
    yauzl.open(path, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (error, zip) =>
      error || !zip ? fail(error) : done(zip),
    ),
  );
}

function zipName(entry: yauzl.Entry): string {
  const raw = entry.fileName as unknown as Buffer;
  // General purpose bit 11: the name is UTF-8; otherwise CP437, read here as latin1.
  return raw.toString((entry.generalPurposeBitFlag & 0x800) !== 0 ? "utf8" : "latin1");
}

function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((done, fail) =>
    zip.openReadStream(entry, (error, stream) => (error || !stream ? fail(error) : done(stream))),
  );
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function extractZip(archive: string, sink: Sink, signal?: AbortSignal): Promise<void> {
  const zip = await openZip(archive);
  try {
    await new Promise<void>((done, fail) => {
      zip.on("error", fail);
      zip.on("end", () => done());
      zip.on("entry", (entry: yauzl.Entry) => {
        (async () => {
          throwIfAborted(signal);
          const name = zipName(entry);
          const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
          if (name.endsWith("/") || mode === 0o040000) {
            await writeEntry(sink, name, "directory", null, null);
          } else if (mode === 0o120000) {
            const to = await readAll(await entryStream(zip, entry));
            await writeEntry(sink, name, "symlink", null, to);
          } else {
            // Check the name before opening the data, so an unsafe entry never starts a write.
            if (targetOf(archive, name, sink.strip, sink.dest) === null) sink.result.skipped++;
            else await writeEntry(sink, name, "file", await entryStream(zip, entry), null);
          }
          zip.readEntry();
        })().catch(fail);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

/**
 * Unpacks `archive` into `dest` (created), keeping entries under `step.strip`. Refuses, with a
 * DatasetDownloadError naming the entry, any entry that would land outside `dest` (absolute
 * paths, `..`) and any link pointing out of it; a corrupt or truncated archive is one error too.
 * The caller extracts into a temporary folder and renames it when everything succeeded.
 */
export async function extractArchive(
  archive: string,
  dest: string,
  step: Pick<ArchiveStep, "format" | "strip">,
  signal?: AbortSignal,
): Promise<ExtractResult> {
  const root = resolve(dest);
  await mkdir(root, { recursive: true });
  const sink: Sink = { dest: root, archive, strip: step.strip, result: { files: 0, skipped: 0 } };
  try {
    if (step.format === "zip") await extractZip(archive, sink, signal);
    else await extractTar(archive, step.format === "tar.gz", sink, signal);
  } catch (error) {
    throw corrupt(archive, step.format, error);
  }
  return sink.result;
}
