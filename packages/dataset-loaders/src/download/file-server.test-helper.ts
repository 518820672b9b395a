import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ServedRequest {
  method: string;
  path: string;
  range: string | null;
}

export interface FileServer {
  baseURL: string;
  requests: ServedRequest[];
  /** The next GET of `name` sends only `bytes` bytes of its body, then destroys the socket. */
  cutOnce(name: string, bytes: number): void;
  close(): Promise<void>;
}

/**
 * A stand-in for a dataset host on 127.0.0.1, speaking plain HTTP/1.1 as the real ones do: HEAD
 * with Content-Length, GET with `Range: bytes=N-` answered by 206 + Content-Range (RFC 9110 §14),
 * 404 for unknown files; it can cut a connection mid-body once.
 */
export async function startFileServer(files: Map<string, Buffer>): Promise<FileServer> {
  const requests: ServedRequest[] = [];
  const cuts = new Map<string, number>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const name = decodeURIComponent((req.url ?? "/").slice(1).split("?")[0] ?? "");
    const range = req.headers.range ?? null;
    requests.push({ method: req.method ?? "GET", path: name, range });
    const body = files.get(name);
    if (!body) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    let start = 0;
    const m = range ? /^bytes=(\d+)-$/.exec(range) : null;
    if (m) start = Number(m[1]);
    if (start >= body.length && m) {
      res.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
      return;
    }
    const slice = body.subarray(start);
    const headers: Record<string, string | number> = {
      "content-length": slice.length,
      "accept-ranges": "bytes",
      "content-type": "application/octet-stream",
    };
    if (m) headers["content-range"] = `bytes ${start}-${body.length - 1}/${body.length}`;
    res.writeHead(m ? 206 : 200, headers);
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    const cut = cuts.get(name);
    if (cut !== undefined) {
      cuts.delete(name);
      res.write(slice.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(slice);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}`,
    requests,
    cutOnce: (name, bytes) => cuts.set(name, bytes),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
