import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { open, rename, rm, stat } from "node:fs/promises";
import { AbortError, throwIfAborted } from "@vlmopt/core";
import { DatasetDownloadError } from "./download-error.js";

/** Bytes of one file so far; `total` is null when the server did not say. */
export interface TransferProgress {
  file: string;
  received: number;
  total: number | null;
  /** Bytes received in this session (not counting what a resumed `.part` already held). */
  sessionBytes: number;
  elapsedMs: number;
}

export interface FetchFileOptions {
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Attempts when a transfer breaks; each resumes with a Range request. Default 4. */
  maxAttempts?: number;
  onProgress?: (p: TransferProgress) => void;
  /** Extra request headers (e.g. a User-Agent). */
  headers?: Record<string, string>;
}

export interface Expected {
  size?: number;
  md5?: string;
  sha256?: string;
}

const retryable = (status: number) => status >= 500 || status === 429 || status === 408;

/** `bytes <start>-<end>/<total>` of a 206 reply (RFC 9110 §14.4). */
function contentRangeStart(header: string | null): { start: number; total: number | null } | null {
  const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header?.trim() ?? "");
  if (!m) return null;
  return { start: Number(m[1]), total: m[2] === "*" ? null : Number(m[2]) };
}

/** Content-Length of a HEAD reply (following redirects), or null. */
export async function remoteSize(
  url: string,
  options: Pick<FetchFileOptions, "fetch" | "signal" | "headers"> = {},
): Promise<number | null> {
  const fetchFn = options.fetch ?? fetch;
  try {
    const res = await fetchFn(url, {
      method: "HEAD",
      redirect: "follow",
      headers: { "accept-encoding": "identity", ...options.headers },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const len = res.ok ? Number(res.headers.get("content-length")) : Number.NaN;
    return Number.isFinite(len) && len >= 0 ? len : null;
  } catch {
    return null;
  }
}

/** md5 and sha256 of a file, streamed. */
export async function hashFile(path: string): Promise<{ md5: string; sha256: string; size: number }> {
  const md5 = createHash("md5");
  const sha = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    md5.update(chunk as Buffer);
    sha.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { md5: md5.digest("hex"), sha256: sha.digest("hex"), size };
}

/** Throws DatasetDownloadError when the file's size or checksum is not the expected one. */
export async function verifyFile(path: string, expected: Expected, what: string): Promise<void> {
  const got = await hashFile(path);
  const fail = (field: string, want: string | number, have: string | number) =>
    new DatasetDownloadError(
      `${what}: ${field} mismatch (expected ${want}, got ${have}) — the file is corrupt or not the published one`,
      {
        hint: "It was deleted; run the command again to download it afresh (or pass --mirror with a copy you trust)",
        file: path,
      },
    );
  if (expected.sha256 && got.sha256 !== expected.sha256.toLowerCase())
    throw fail("sha256", expected.sha256, got.sha256);
  if (expected.md5 && got.md5 !== expected.md5.toLowerCase()) throw fail("md5", expected.md5, got.md5);
  if (!expected.sha256 && !expected.md5 && expected.size !== undefined && got.size !== expected.size)
    throw fail("size", expected.size, got.size);
}

/**
 * Downloads `url` to `dest`: into `dest.part`, resuming a `.part` left by an earlier run (or a
 * broken transfer) with `Range: bytes=<have>-`; a 206 is appended only when its Content-Range
 * starts where the part ends, otherwise the part is restarted. Then the checksum (or size) is
 * verified and the part renamed to `dest`, so `dest` only ever holds a complete, verified file.
 * A mismatch deletes the part and throws. `dest` already there is verified and kept.
 */
export async function fetchFile(
  url: string,
  dest: string,
  expected: Expected,
  options: FetchFileOptions = {},
): Promise<void> {
  const name = dest;
  if (existsSync(dest)) {
    try {
      await verifyFile(dest, expected, `${url} (already downloaded)`);
      return;
    } catch {
      await rm(dest, { force: true });
    }
  }
  const part = `${dest}.part`;
  const fetchFn = options.fetch ?? fetch;
  const attempts = options.maxAttempts ?? 4;
  const started = Date.now();
  let sessionBytes = 0;
  let lastError: unknown;
  let complete = false;
  for (let attempt = 0; attempt < attempts && !complete; attempt++) {
    // A short, growing pause before each retry (a flaky network often recovers within seconds).
    if (attempt > 0) await new Promise((done) => setTimeout(done, Math.min(8000, 500 * 2 ** (attempt - 1))));
    throwIfAborted(options.signal);
    const have = existsSync(part) ? (await stat(part)).size : 0;
    const headers: Record<string, string> = { "accept-encoding": "identity", ...options.headers };
    if (have > 0) headers.range = `bytes=${have}-`;
    let res: Response;
    try {
      res = await fetchFn(url, {
        headers,
        redirect: "follow",
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) throw new AbortError(`Download of ${url} aborted`, { cause: error });
      lastError = error;
      continue;
    }
    if (res.status === 416 && have > 0 && expected.size !== undefined && have >= expected.size) {
      complete = true;
      break;
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      if (retryable(res.status)) {
        lastError = new Error(`HTTP ${res.status}`);
        continue;
      }
      throw new DatasetDownloadError(`GET ${url} answered HTTP ${res.status}`, {
        hint:
          res.status === 404
            ? "The file is no longer there; pass --mirror <url> with a copy, or arrange the dataset by hand (see `vlmopt datasets download <name> --dry-run`)"
            : "Check the URL and your access to it",
        file: url,
      });
    }
    let offset = 0;
    if (res.status === 206) {
      const range = contentRangeStart(res.headers.get("content-range"));
      if (range && range.start === have) offset = have;
    }
    const lengthHeader = Number(res.headers.get("content-length"));
    const total =
      Number.isFinite(lengthHeader) && res.headers.has("content-length")
        ? offset + lengthHeader
        : (expected.size ?? null);
    const fh = await open(part, offset > 0 ? "a" : "w");
    let received = offset;
    try {
      if (!res.body) throw new Error("empty body");
      for await (const chunk of res.body) {
        await fh.write(chunk);
        received += chunk.length;
        sessionBytes += chunk.length;
        options.onProgress?.({ file: name, received, total, sessionBytes, elapsedMs: Date.now() - started });
      }
      await fh.close();
      if (total === null || received >= total) complete = true;
      else lastError = new Error(`connection closed after ${received} of ${total} bytes`);
    } catch (error) {
      await fh.close().catch(() => {});
      if (options.signal?.aborted) throw new AbortError(`Download of ${url} aborted`, { cause: error });
      lastError = error;
    }
  }
  if (!complete) {
    const e = lastError as (Error & { cause?: { code?: string; message?: string } }) | undefined;
    const why = [e?.message ?? String(lastError), e?.cause?.code ?? e?.cause?.message]
      .filter(Boolean)
      .join(": ");
    const kept = existsSync(part) ? (await stat(part)).size : 0;
    throw new DatasetDownloadError(
      `Download of ${url} failed after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${why}`,
      {
        hint:
          kept > 0
            ? `Check the connection and run the command again; it resumes from the ${kept} bytes kept in ${part}`
            : "Check the connection (or pass --mirror <url>) and run the command again",
        isRetryable: true,
        file: url,
        cause: lastError,
      },
    );
  }
  try {
    await verifyFile(part, expected, url);
  } catch (error) {
    await rm(part, { force: true });
    throw error;
  }
  await rename(part, dest);
}
