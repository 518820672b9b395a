/**
 * A fake Hugging Face hub on 127.0.0.1 for tests, in the hub's URL shape
 * `/{owner}/{name}/resolve/{revision}/{path}`: LFS files (.onnx) answer with a redirect to a
 * CDN path carrying X-Linked-Etag (sha256) and X-Linked-Size, small files answer directly with
 * the git blob sha1 as ETag. Faults can be injected per file. Test-only.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface HubRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  range: string | undefined;
}

export interface FakeHub {
  endpoint: string;
  requests: HubRequest[];
  /** Files (by repo path) whose next GET is cut after half the bytes. */
  cutOnce: Set<string>;
  /** Files served with one byte changed (the advertised checksum stays the real one). */
  corrupt: Set<string>;
  close(): Promise<void>;
}

export const FAKE_COMMIT = "0123456789abcdef0123456789abcdef01234567";

export interface FakeHubOptions {
  /** "dataset": serve `/datasets/{repo}/resolve/...` and `/api/datasets/{repo}/...` instead. */
  repoType?: "model" | "dataset";
  /** More repos served by the same hub (e.g. a SigLIP export's original checkpoint). */
  extraRepos?: Record<string, Map<string, Uint8Array>>;
}

/** Files the hub stores in LFS (served by redirect to the CDN with X-Linked-Etag). */
const LFS_RE = /\.(onnx|parquet|tar|safetensors)$/;

export async function startFakeHub(
  repo: string,
  files: Map<string, Uint8Array>,
  options: FakeHubOptions = {},
): Promise<FakeHub> {
  const kind = options.repoType ?? "model";
  const prefixPath = kind === "dataset" ? "datasets/" : "";
  const requests: HubRequest[] = [];
  const cutOnce = new Set<string>();
  const corrupt = new Set<string>();
  const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
  const gitSha1 = (b: Uint8Array) => createHash("sha1").update(`blob ${b.length}\0`).update(b).digest("hex");
  const repos = new Map<string, Map<string, Uint8Array>>([
    [repo, files],
    ...Object.entries(options.extraRepos ?? {}),
  ]);
  const byBlob = new Map<string, [Map<string, Uint8Array>, string]>();
  for (const repoFiles of repos.values())
    for (const [path, data] of repoFiles) byBlob.set(sha256(data), [repoFiles, path]);

  const send = (
    req: IncomingMessage,
    res: import("node:http").ServerResponse,
    path: string,
    headers: Record<string, string>,
    repoFiles: Map<string, Uint8Array> = files,
  ) => {
    let data = repoFiles.get(path) as Uint8Array;
    if (corrupt.has(path)) {
      data = Uint8Array.from(data);
      data[data.length >> 1] = ((data[data.length >> 1] as number) + 1) & 255;
    }
    let start = 0;
    let end = data.length - 1;
    // Open (`bytes=N-`) and closed (`bytes=N-M`, as hyparquet's asyncBufferFromUrl sends) ranges.
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    if (range) {
      start = Number(range[1]);
      if (range[2]) end = Math.min(end, Number(range[2]));
    }
    const body = data.subarray(start, end + 1);
    res.writeHead(range ? 206 : 200, {
      ...headers,
      "accept-ranges": "bytes",
      "content-length": String(body.length),
      ...(range ? { "content-range": `bytes ${start}-${end}/${data.length}` } : {}),
    });
    if (req.method === "HEAD") return res.end();
    if (cutOnce.has(path)) {
      cutOnce.delete(path);
      res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  };

  const server: Server = createServer((req, res) => {
    const url = req.url ?? "/";
    requests.push({
      method: req.method ?? "GET",
      url,
      authorization: req.headers.authorization,
      range: req.headers.range,
    });
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(url);
    if (cdn) {
      const hit = byBlob.get(cdn[1] as string);
      if (!hit) return res.writeHead(404).end();
      return send(req, res, hit[1], {}, hit[0]);
    }
    // The hub API's model info (huggingface_hub HfApi.model_info): the file listing.
    if (url.startsWith(`/api/${kind}s/${repo}/revision/`) || url === `/api/${kind}s/${repo}`) {
      const body = JSON.stringify({
        id: repo,
        sha: FAKE_COMMIT,
        siblings: [...files.keys()].map((rfilename) => ({ rfilename })),
      });
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(body);
    }
    if (url.startsWith("/api/")) return res.writeHead(404, { "x-error-code": "RepoNotFound" }).end("{}");
    const served = [...repos.keys()].find((r) => url.startsWith(`/${prefixPath}${r}/resolve/`));
    if (served === undefined)
      return res.writeHead(404, { "x-error-code": "RepoNotFound" }).end("Repository not found");
    const repoFiles = repos.get(served) as Map<string, Uint8Array>;
    const rest = url.slice(`/${prefixPath}${served}/resolve/`.length);
    const slash = rest.indexOf("/");
    const path = decodeURIComponent(rest.slice(slash + 1));
    const data = repoFiles.get(path);
    if (!data) return res.writeHead(404, { "x-error-code": "EntryNotFound" }).end("Entry not found");
    if (LFS_RE.test(path)) {
      const sum = sha256(data);
      return res
        .writeHead(302, {
          location: `/cdn/${sum}`,
          "x-repo-commit": FAKE_COMMIT,
          "x-linked-etag": `"${sum}"`,
          "x-linked-size": String(data.length),
          etag: `"${gitSha1(new TextEncoder().encode("pointer"))}"`,
        })
        .end();
    }
    send(req, res, path, { "x-repo-commit": FAKE_COMMIT, etag: `"${gitSha1(data)}"` }, repoFiles);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    cutOnce,
    corrupt,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
