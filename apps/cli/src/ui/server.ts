import { timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { ConfigError } from "@vlmopt/core";
import { buildRunView } from "../run-view/build-run-view.js";
import { summaryOf } from "../run-view/run-view.js";
import { defaultAssetsDir } from "./assets-dir.js";
import type { RunSource } from "./run-source.js";
import { suiteSummaryOf, suiteViewOf } from "./suite-view.js";
import { UI_CSS, UI_INDEX_HTML } from "./ui-page.js";

export interface UiServerOptions {
  source: RunSource;
  /** Folder with the browser build (app.js); default this package's dist/ui. */
  assetsDir?: string;
  /** Default 127.0.0.1. Anything but loopback needs a token. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Required on every request (as ?token= once, then a cookie) when set. */
  token?: string;
}

export interface UiServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
const COOKIE = "vlmopt_ui_token";

/** The app may load only its own script and style and talk only to its own server. */
const APP_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/** The bench's report.html, embedded in the suite page: no script at all, in a sandbox. */
const REPORT_CSP =
  "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

const TYPES = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
} as const;

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith("127.");
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === COOKIE) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

function send(res: ServerResponse, status: number, body: string, type: string, csp = APP_CSP): void {
  res.writeHead(status, {
    "content-type": type,
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
  });
  res.end(body);
}

const json = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, JSON.stringify(value), "application/json; charset=utf-8");

/**
 * `vlmopt ui`'s HTTP server: read-only (GET and HEAD only), over any RunSource. Serves the
 * browser app, JSON views of runs and suites, and a server-sent-event stream that names the
 * runs whose files changed. Binds 127.0.0.1 unless told otherwise, and then only with a token.
 */
export async function startUiServer(o: UiServerOptions): Promise<UiServer> {
  const host = o.host ?? "127.0.0.1";
  if (!isLoopback(host) && !o.token)
    throw new ConfigError(`--host ${host} would let other machines read your runs, so it needs a token`, {
      hint: "pass --token <secret> (or set VLMOPT_UI_TOKEN), or keep the default --host 127.0.0.1",
    });
  const { source } = o;
  const clients = new Set<ServerResponse>();
  const stopWatching = source.watch((runIds) => {
    const msg = `event: change\ndata: ${JSON.stringify({ runs: runIds })}\n\n`;
    for (const c of clients) c.write(msg);
  });
  const heartbeat = setInterval(() => {
    for (const c of clients) c.write(": keep-alive\n\n");
  }, 15_000);
  heartbeat.unref();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" });
      res.end("read-only");
      return;
    }
    const url = new URL(req.url ?? "/", "http://ui.invalid");
    // A page on another site must not reach this server through a name that resolves to it.
    const hostHeader = (req.headers.host ?? "").replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
    if (!o.token && !isLoopback(hostHeader)) {
      send(res, 403, "forbidden host", "text/plain; charset=utf-8");
      return;
    }
    if (o.token) {
      const given = url.searchParams.get("token") ?? cookieToken(req);
      if (!sameToken(given ?? undefined, o.token)) {
        send(res, 401, "this vlmopt ui needs its token: open the URL it printed (…?token=…)", "text/plain");
        return;
      }
      if (url.searchParams.has("token"))
        res.setHeader(
          "set-cookie",
          `${COOKIE}=${encodeURIComponent(o.token)}; HttpOnly; SameSite=Strict; Path=/`,
        );
    }
    const path = url.pathname;
    if (path === "/" || path === "/index.html") return send(res, 200, UI_INDEX_HTML, TYPES.html);
    if (path === "/app.css") return send(res, 200, UI_CSS, TYPES.css);
    if (path === "/app.js") {
      const file = join(o.assetsDir ?? defaultAssetsDir(), "app.js");
      const body = await readFile(file, "utf8").catch(() => null);
      if (body === null)
        return send(
          res,
          500,
          `the UI's browser build is missing (${file}); rebuild @vlmopt/cli`,
          "text/plain",
        );
      return send(res, 200, body, TYPES.js);
    }
    const id = url.searchParams.get("id") ?? "";
    switch (path) {
      case "/api/source":
        return json(res, 200, { location: source.location });
      case "/api/runs": {
        const ids = await source.listRuns();
        const out = [];
        for (const runId of ids) {
          const input = await source.readRun(runId).catch(() => null);
          if (!input) continue;
          const view = buildRunView(input);
          out.push(
            summaryOf(view, {
              dataset: input.manifest.dataset.name,
              seed: input.manifest.dataset.seed ?? null,
            }),
          );
        }
        return json(res, 200, out);
      }
      case "/api/run": {
        const input = await source.readRun(id);
        if (!input) return json(res, 404, { error: `no run ${JSON.stringify(id)} in ${source.location}` });
        return json(res, 200, buildRunView(input));
      }
      case "/api/suites": {
        const out = [];
        for (const suiteId of await source.listSuites()) {
          const s = await source.readSuite(suiteId);
          if (s) out.push(suiteSummaryOf(s));
        }
        return json(res, 200, out);
      }
      case "/api/suite": {
        const s = await source.readSuite(id);
        if (!s) return json(res, 404, { error: `no suite ${JSON.stringify(id)} in ${source.location}` });
        return json(res, 200, suiteViewOf(s, source));
      }
      case "/suite-report": {
        const s = await source.readSuite(id);
        if (!s?.reportHtml) return send(res, 404, "no report.html in this suite", "text/plain");
        return send(res, 200, s.reportHtml, TYPES.html, REPORT_CSP);
      }
      case "/api/events": {
        res.writeHead(200, {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-store",
          "x-content-type-options": "nosniff",
          connection: "keep-alive",
        });
        res.write(": connected\n\n");
        clients.add(res);
        req.on("close", () => clients.delete(res));
        return;
      }
      default:
        return send(res, 404, "not found", "text/plain; charset=utf-8");
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, `error: ${(error as Error).message}`, "text/plain; charset=utf-8");
      else res.end();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(o.port ?? 0, host, () => ok());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}/`;
  return {
    url,
    server,
    async close() {
      stopWatching();
      clearInterval(heartbeat);
      for (const c of clients) c.end();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
