import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { copyFile, mkdir, open, readFile, rename, rm, stat, symlink, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { AbortError, ConfigError, ModelLoadError, throwIfAborted } from "@vlmopt/core";
import { hfHubCacheDir } from "./cache-dirs.js";
import { detectLayout, layoutById, listFolder, type ModelLayout } from "./model-layouts.js";
import { parseRegistrySpec } from "./model-registry.js";

export interface DownloadProgress {
  file: string;
  received: number;
  total: number | null;
}

/** A hub repo's kind: models live at `/{repo}`, datasets at `/datasets/{repo}` (and `datasets--` in the cache). */
export type HubRepoType = "model" | "dataset";

export interface DownloadOptions {
  revision?: string;
  /** Default "model". */
  repoType?: HubRepoType;
  /** ONNX variant for registry ids (fp32, fp16, quantized); a "@dtype" suffix on the id wins. */
  dtype?: string;
  /** Use only the local cache (also when HF_HUB_OFFLINE=1). */
  offline?: boolean;
  /** Default: HF_ENDPOINT, else https://huggingface.co. */
  endpoint?: string;
  /** Default: HF_TOKEN. */
  token?: string;
  /** Default: HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub. */
  hubCacheDir?: string;
  onDownloadProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  env?: NodeJS.ProcessEnv;
  /** Attempts per file when a transfer breaks (each resumes with Range). Default 4. */
  maxAttempts?: number;
}

export interface DownloadedFile {
  /** Path inside the repo, e.g. "onnx/text_model.onnx". */
  path: string;
  bytes: number;
  sha256: string;
}

export interface DownloadResult {
  /** The snapshot folder (HF hub cache layout) holding the files. */
  dir: string;
  files: DownloadedFile[];
  /** The model's file layout (downloadModel only). */
  layout?: ModelLayout;
}

interface RemoteMeta {
  commit: string | undefined;
  etag: string | undefined;
  size: number | null;
  url: string;
}

const SHA256_RE = /^[0-9a-f]{64}$/;
const SHA1_RE = /^[0-9a-f]{40}$/;

/**
 * The repo's folder in the HF hub cache: `models--owner--name` or `datasets--owner--name`
 * (huggingface_hub's `repo_folder_name`: `f"{repo_type}s--{repo_id}"` with "/" as "--").
 */
export function hubRepoFolder(hubDir: string, repo: string, repoType: HubRepoType = "model"): string {
  return join(hubDir, `${repoType}s--${repo.replaceAll("/", "--")}`);
}

/** URL path prefix of a repo on the hub: "" for models, "datasets/" for datasets (huggingface_hub's REPO_TYPES_URL_PREFIXES). */
const urlPrefix = (options: DownloadOptions) => (options.repoType === "dataset" ? "datasets/" : "");

function cleanEtag(v: string | null): string | undefined {
  if (!v) return undefined;
  return v.replace(/^W\//, "").replaceAll('"', "");
}

function isOffline(options: DownloadOptions): boolean {
  const env = options.env ?? process.env;
  const v = (env.HF_HUB_OFFLINE ?? "").toLowerCase();
  return options.offline === true || v === "1" || v === "true" || v === "yes";
}

function authHeaders(options: DownloadOptions): Record<string, string> {
  const token = options.token ?? (options.env ?? process.env).HF_TOKEN;
  return token ? { authorization: `Bearer ${token}` } : {};
}

function httpError(
  status: number,
  repo: string,
  path: string,
  revision: string,
  url: string,
): ModelLoadError {
  if (status === 404) {
    return new ModelLoadError(`${repo} has no file ${path} at revision ${revision} (HTTP 404 from ${url})`, {
      hint: "Check the repo id, the revision and the dtype (which ONNX files the repo has)",
    });
  }
  if (status === 401 || status === 403) {
    return new ModelLoadError(`Access to ${repo}/${path} denied (HTTP ${status} from ${url})`, {
      hint: "Gated or private repo: set HF_TOKEN to a token with access",
    });
  }
  return new ModelLoadError(`Download of ${repo}/${path} failed: HTTP ${status} from ${url}`, {
    hint: "Try again later, or set HF_ENDPOINT to a mirror",
  });
}

async function headMeta(
  repo: string,
  path: string,
  revision: string,
  options: DownloadOptions,
  fetchFn: typeof fetch,
): Promise<RemoteMeta> {
  const endpoint = endpointOf(options);
  const first = `${endpoint}/${urlPrefix(options)}${repo}/resolve/${encodeURIComponent(revision)}/${path}`;
  let url = first;
  let commit: string | undefined;
  let etag: string | undefined;
  let size: number | null = null;
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetchFn(url, {
      method: "HEAD",
      redirect: "manual",
      headers: { ...authHeaders(options), "accept-encoding": "identity" },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    commit ??= res.headers.get("x-repo-commit") ?? undefined;
    const linkedEtag = cleanEtag(res.headers.get("x-linked-etag"));
    const linkedSize = res.headers.get("x-linked-size");
    if (linkedEtag) etag ??= linkedEtag;
    if (linkedSize) size ??= Number(linkedSize);
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get("location");
      if (!location) throw httpError(res.status, repo, path, revision, url);
      url = new URL(location, url).toString();
      continue;
    }
    if (!res.ok) throw httpError(res.status, repo, path, revision, first);
    etag ??= cleanEtag(res.headers.get("etag"));
    const len = res.headers.get("content-length");
    if (size === null && len) size = Number(len);
    return { commit, etag, size, url: first };
  }
  throw new ModelLoadError(`Too many redirects for ${first}`, { hint: "Check HF_ENDPOINT" });
}

/** Hex digests of a file: sha256, and git's blob sha1 (the hub's ETag of non-LFS files). */
async function digests(path: string): Promise<{ sha256: string; gitSha1: string; bytes: number }> {
  const { size } = await stat(path);
  const s256 = createHash("sha256");
  const s1 = createHash("sha1").update(`blob ${size}\0`);
  for await (const chunk of createReadStream(path)) {
    s256.update(chunk as Buffer);
    s1.update(chunk as Buffer);
  }
  return { sha256: s256.digest("hex"), gitSha1: s1.digest("hex"), bytes: size };
}

function ttyProgress(): ((p: DownloadProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return (p) => {
    const now = Date.now();
    const done = p.total !== null && p.received >= p.total;
    if (!done && now - last < 100) return;
    last = now;
    const mb = (n: number) => (n / 1e6).toFixed(1);
    const frac = p.total ? Math.min(1, p.received / p.total) : 0;
    const bar = p.total ? `[${"#".repeat(Math.round(frac * 30)).padEnd(30, ".")}] ` : "";
    const total = p.total ? ` / ${mb(p.total)} MB` : " MB";
    process.stderr.write(`\r${bar}${p.file} ${mb(p.received)}${total}${done ? "\n" : ""}`);
  };
}

async function transfer(
  meta: RemoteMeta,
  incomplete: string,
  path: string,
  options: DownloadOptions,
  fetchFn: typeof fetch,
): Promise<void> {
  const attempts = options.maxAttempts ?? 4;
  const progress = options.onDownloadProgress ?? ttyProgress();
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    throwIfAborted(options.signal);
    const have = existsSync(incomplete) ? (await stat(incomplete)).size : 0;
    if (meta.size !== null && have === meta.size && have > 0) return;
    const headers: Record<string, string> = { ...authHeaders(options), "accept-encoding": "identity" };
    if (have > 0) headers.range = `bytes=${have}-`;
    let res: Response;
    try {
      res = await fetchFn(meta.url, {
        headers,
        redirect: "follow",
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) throw new AbortError(`Download of ${path} aborted`, { cause: error });
      lastError = error;
      continue;
    }
    if (res.status === 416 && meta.size !== null && have >= meta.size) return;
    if (!res.ok) {
      if (res.status >= 500) {
        lastError = new Error(`HTTP ${res.status}`);
        continue;
      }
      throw httpError(res.status, "", path, "", meta.url);
    }
    const append = res.status === 206 && have > 0;
    const fh = await open(incomplete, append ? "a" : "w");
    let received = append ? have : 0;
    try {
      if (!res.body) throw new Error("empty body");
      for await (const chunk of res.body) {
        await fh.write(chunk);
        received += chunk.length;
        progress?.({ file: path, received, total: meta.size });
      }
      await fh.close();
      if (meta.size === null || received >= meta.size) return;
      lastError = new Error(`connection closed after ${received} of ${meta.size} bytes`);
    } catch (error) {
      await fh.close().catch(() => {});
      if (options.signal?.aborted) throw new AbortError(`Download of ${path} aborted`, { cause: error });
      lastError = error;
    }
  }
  throw new ModelLoadError(
    `Download of ${path} from ${meta.url} failed after ${attempts} attempts: ${(lastError as Error)?.message}`,
    { hint: "Check the connection and run the command again; it resumes where it stopped", cause: lastError },
  );
}

async function linkIntoSnapshot(blob: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  await rm(target, { force: true });
  try {
    await symlink(relative(dirname(target), blob), target);
  } catch {
    await copyFile(blob, target);
  }
}

/**
 * Downloads files of a HF repo into the HF hub cache layout
 * (`models--owner--name/{blobs,snapshots/<commit>,refs/<revision>}`), re-using files already
 * there (also those fetched by Python or transformers.js). Each file: HEAD for its commit, ETag
 * and size; GET into `blobs/<etag>.incomplete`, resuming with Range when a transfer breaks;
 * size and checksum verified (sha256 for LFS files, git's blob sha1 otherwise); renamed into
 * place; then linked from the snapshot. `optional` files may be missing (HTTP 404).
 */
export async function downloadRepoFiles(
  repo: string,
  paths: readonly string[],
  options: DownloadOptions & { optional?: readonly string[] } = {},
): Promise<DownloadResult> {
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) {
    throw new ConfigError(`"${repo}" is not a Hugging Face repo id`, { hint: "Use owner/name" });
  }
  const hub = options.hubCacheDir ?? hfHubCacheDir(options.env ?? process.env);
  const folder = hubRepoFolder(hub, repo, options.repoType);
  const revision = options.revision ?? "main";
  const fetchFn = options.fetch ?? fetch;
  const offline = isOffline(options);
  const files: DownloadedFile[] = [];
  let commit: string | undefined;

  const cachedCommit = async (): Promise<string | undefined> => {
    if (SHA1_RE.test(revision)) return revision;
    const ref = join(folder, "refs", revision);
    return existsSync(ref) ? (await readFile(ref, "utf8")).trim() : undefined;
  };

  for (const path of paths) {
    throwIfAborted(options.signal);
    const optional = options.optional?.includes(path) ?? false;
    if (offline) {
      const c = commit ?? (await cachedCommit());
      const local = c ? join(folder, "snapshots", c, path) : undefined;
      if (!local || !existsSync(local)) {
        if (optional) continue;
        throw new ModelLoadError(
          `Offline (HF_HUB_OFFLINE) and ${repo}/${path} at revision ${revision} is not in the cache ${folder}`,
          { hint: "Download it once with internet (vlmopt models download ...), or unset HF_HUB_OFFLINE" },
        );
      }
      commit = c;
      const d = await digests(local);
      files.push({ path, bytes: d.bytes, sha256: d.sha256 });
      continue;
    }
    let meta: RemoteMeta;
    try {
      meta = await headMeta(repo, path, revision, options, fetchFn);
    } catch (error) {
      if (ModelLoadError.isInstance(error)) {
        if (optional && error.message.includes("HTTP 404")) continue;
        throw error;
      }
      if (options.signal?.aborted) throw new AbortError(`Download of ${repo} aborted`, { cause: error });
      // Network down: fall back to the cache, as huggingface_hub does.
      const c = await cachedCommit();
      const local = c ? join(folder, "snapshots", c, path) : undefined;
      if (local && existsSync(local)) {
        commit = c;
        const d = await digests(local);
        files.push({ path, bytes: d.bytes, sha256: d.sha256 });
        continue;
      }
      if (optional) continue;
      throw new ModelLoadError(`Cannot reach the hub for ${repo}/${path}: ${(error as Error).message}`, {
        hint: "Check the connection or HF_ENDPOINT; with no internet, copy the model folder and load it by path",
        cause: error,
      });
    }
    const fileCommit = meta.commit ?? commit ?? revision;
    commit ??= fileCommit;
    const blobs = join(folder, "blobs");
    await mkdir(blobs, { recursive: true });
    let blob = meta.etag ? join(blobs, meta.etag) : undefined;
    const snapshotPath = join(folder, "snapshots", fileCommit, path);
    if (!blob || !existsSync(blob) || (meta.size !== null && (await stat(blob)).size !== meta.size)) {
      const incomplete = `${blob ?? join(blobs, `${path.replaceAll("/", "_")}.nometa`)}.incomplete`;
      await transfer(meta, incomplete, path, options, fetchFn);
      const d = await digests(incomplete);
      const expected = meta.etag;
      const sizeBad = meta.size !== null && d.bytes !== meta.size;
      const sumBad =
        expected !== undefined &&
        ((SHA256_RE.test(expected) && d.sha256 !== expected) ||
          (SHA1_RE.test(expected) && d.gitSha1 !== expected));
      if (sizeBad || sumBad) {
        await rm(incomplete, { force: true });
        throw new ModelLoadError(
          sizeBad
            ? `Downloaded ${repo}/${path} has ${d.bytes} bytes, the hub says ${meta.size}`
            : `Checksum mismatch for ${repo}/${path}: expected ${expected}, got sha256 ${d.sha256}`,
          { hint: "The partial file was deleted; run the download again" },
        );
      }
      blob ??= join(blobs, d.sha256);
      await rename(incomplete, blob);
    }
    await linkIntoSnapshot(blob, snapshotPath);
    const d =
      meta.etag && SHA256_RE.test(meta.etag)
        ? { sha256: meta.etag, bytes: (await stat(blob)).size }
        : await digests(blob);
    files.push({ path, bytes: d.bytes, sha256: d.sha256 });
    if (!SHA1_RE.test(revision) || revision !== fileCommit) {
      await mkdir(join(folder, "refs"), { recursive: true });
      // A revision such as "refs/convert/parquet" nests (huggingface_hub writes refs/<revision>).
      await mkdir(dirname(join(folder, "refs", revision)), { recursive: true });
      if (meta.commit) await writeFile(join(folder, "refs", revision), meta.commit);
    }
  }
  const c = commit ?? (await cachedCommit()) ?? revision;
  return { dir: join(folder, "snapshots", c), files };
}

/**
 * Bytes [start, end] (inclusive) of one repo file by an HTTP Range request, through the same
 * endpoint, token and fetch as downloads (following the hub's redirect to its CDN), the way
 * huggingface_hub's `HfApi.parse_safetensors_file_metadata` reads a safetensors header without the
 * weights (https://github.com/huggingface/huggingface_hub, src/huggingface_hub/hf_api.py).
 * Offline: a ModelLoadError. A server that ignores Range (HTTP 200) is refused rather than read whole.
 */
export async function fetchRepoRange(
  repo: string,
  path: string,
  start: number,
  end: number,
  options: DownloadOptions = {},
): Promise<Uint8Array> {
  const revision = options.revision ?? "main";
  if (isOffline(options)) {
    throw new ModelLoadError(`Offline (HF_HUB_OFFLINE): cannot read ${repo}/${path}`, {
      hint: "Unset HF_HUB_OFFLINE to read it once; later loads use the cached values",
    });
  }
  const url = `${endpointOf(options)}/${urlPrefix(options)}${repo}/resolve/${encodeURIComponent(revision)}/${path}`;
  const res = await (options.fetch ?? fetch)(url, {
    headers: { ...authHeaders(options), "accept-encoding": "identity", range: `bytes=${start}-${end}` },
    redirect: "follow",
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (res.status !== 206) {
    await res.body?.cancel().catch(() => {});
    if (res.ok) {
      throw new ModelLoadError(`${url} ignored the Range request (HTTP ${res.status})`, {
        hint: "Use an HF_ENDPOINT that supports Range requests",
      });
    }
    throw httpError(res.status, repo, path, revision, url);
  }
  const body = new Uint8Array(await res.arrayBuffer());
  if (body.length !== end - start + 1) {
    throw new ModelLoadError(`${url} sent ${body.length} bytes for range ${start}-${end}`, {
      hint: "The file may be shorter than its header says; re-check the repo",
    });
  }
  return body;
}

function endpointOf(options: DownloadOptions): string {
  return (options.endpoint ?? (options.env ?? process.env).HF_ENDPOINT ?? "https://huggingface.co").replace(
    /\/+$/,
    "",
  );
}

/**
 * The repo's file paths: the hub API's model info (`GET /api/models/{repo}/revision/{revision}`,
 * `siblings[].rfilename`, as huggingface_hub's `HfApi.model_info` calls it); offline or when the
 * hub cannot be reached, the files of the cached snapshot.
 */
export async function listRepoFiles(repo: string, options: DownloadOptions = {}): Promise<string[]> {
  const hub = options.hubCacheDir ?? hfHubCacheDir(options.env ?? process.env);
  const folder = hubRepoFolder(hub, repo, options.repoType);
  const revision = options.revision ?? "main";
  const cached = async (): Promise<string[] | undefined> => {
    const ref = join(folder, "refs", revision);
    const commit = SHA1_RE.test(revision)
      ? revision
      : existsSync(ref)
        ? (await readFile(ref, "utf8")).trim()
        : undefined;
    const snap = commit ? join(folder, "snapshots", commit) : undefined;
    return snap && existsSync(snap) ? listFolder(snap) : undefined;
  };
  if (isOffline(options)) {
    const files = await cached();
    if (files) return files;
    throw new ModelLoadError(
      `Offline (HF_HUB_OFFLINE) and ${repo} at revision ${revision} is not in the cache ${folder}`,
      {
        hint: "Download it once with internet (vlmopt models download ...), or unset HF_HUB_OFFLINE",
      },
    );
  }
  // Datasets: `/api/datasets/{repo}/revision/{revision}` (huggingface_hub hf_api.py, HfApi.dataset_info).
  const url = `${endpointOf(options)}/api/${options.repoType ?? "model"}s/${repo}/revision/${encodeURIComponent(revision)}`;
  let res: Response;
  try {
    res = await (options.fetch ?? fetch)(url, {
      headers: authHeaders(options),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (options.signal?.aborted) throw new AbortError(`Listing ${repo} aborted`, { cause: error });
    const files = await cached();
    if (files) return files;
    throw new ModelLoadError(`Cannot reach the hub to list ${repo}: ${(error as Error).message}`, {
      hint: "Check the connection or HF_ENDPOINT; with no internet, copy the model folder and load it by path",
      cause: error,
    });
  }
  if (res.status === 404) {
    throw new ModelLoadError(
      `${repo} (revision ${revision}) was not found on the hub (HTTP 404 from ${url})`,
      {
        hint: "Check the repo id and the revision; private or gated repos need HF_TOKEN",
      },
    );
  }
  if (!res.ok) throw httpError(res.status, repo, "(file listing)", revision, url);
  const body = (await res.json().catch(() => ({}))) as { siblings?: { rfilename?: unknown }[] };
  return (body.siblings ?? []).map((x) => x.rfilename).filter((x): x is string => typeof x === "string");
}

/**
 * Downloads a CLIP-family model — a registry id (`clip-vit-b32`, `clip-rn50`, `siglip-b16@fp16`)
 * or a HF repo id — into the HF hub cache and returns its snapshot folder, files and layout.
 * A repo id's layout is detected from the hub's file listing.
 */
export async function downloadModel(id: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const parsed = parseRegistrySpec(id);
  let repo: string;
  let dtype = options.dtype;
  let layout: ModelLayout;
  if (parsed) {
    repo = parsed.model.hfRepo;
    if (id.includes("@")) dtype = parsed.dtype;
    layout = layoutById(parsed.model.layout);
  } else {
    const [r, d] = id.split("@") as [string, string | undefined];
    repo = r;
    dtype = d ?? dtype;
    if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) {
      throw new ConfigError(`"${repo}" is not a Hugging Face repo id`, { hint: "Use owner/name" });
    }
    layout = detectLayout(await listRepoFiles(repo, options), `HF repo ${repo}`);
  }
  const { all, optional } = layout.paths(dtype);
  return { ...(await downloadRepoFiles(repo, all, { ...options, optional })), layout };
}
