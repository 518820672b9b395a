/**
 * A local HTTP server on 127.0.0.1 that speaks the Anthropic Messages API (POST /v1/messages) and
 * OpenAI Chat Completions (POST /v1/chat/completions) with responses shaped like the real ones.
 * For tests: it records every request and answers from a script (a queue and/or a function).
 * It is not an LLM.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttp2Server, type Http2Session } from "node:http2";
import type { AddressInfo } from "node:net";

export type FakeProtocol = "anthropic" | "openai";

export interface FakeLlmRequest {
  /** "anthropic", "openai", an extra protocol's name, or "unknown". */
  protocol: FakeProtocol | "unknown" | (string & {});
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The key sent as `x-api-key` or `Authorization: Bearer`, if any. */
  apiKey: string | undefined;
  /** Parsed JSON body (undefined when it was not JSON). */
  body: Record<string, unknown> | undefined;
  /** Samples asked for, when the protocol says it elsewhere than `body.n` (Gemini's candidateCount). */
  samples?: number;
}

/**
 * A further protocol the server speaks (Gemini, Azure OpenAI, Bedrock Converse): how to know its
 * requests, read their key, and shape its answers. The scripting (queue, reply function, stall,
 * raw bodies) stays the server's.
 */
export interface StandInProtocol {
  readonly name: string;
  /** True when a request to `path` (query string removed) is this protocol's. */
  matches(path: string, query: URLSearchParams): boolean;
  /** The key it sent; default `x-api-key` or `Authorization: Bearer`. */
  apiKey?(headers: IncomingMessage["headers"], query: URLSearchParams): string | undefined;
  /** A request this protocol rejects before any scripted reply (a wrong api-version): status and message. */
  reject?(request: FakeLlmRequest, query: URLSearchParams): { status: number; message: string } | undefined;
  samples?(body: Record<string, unknown> | undefined): number;
  success(reply: Extract<FakeReply, { type: "text" }>, request: FakeLlmRequest, index: number): unknown;
  errorBody(status: number, message: string): unknown;
  /** Headers every error carries (Bedrock's x-amzn-errortype). */
  errorHeaders?(status: number): Record<string, string>;
}

/** What the server answers. */
export type FakeReply =
  /** A successful completion; texts become choices (OpenAI) — Anthropic uses the first. */
  | { type: "text"; texts: string[]; inputTokens?: number; outputTokens?: number }
  /** An API error with a protocol-shaped body. */
  | { type: "error"; status: number; message?: string; headers?: Record<string, string> }
  /** Any bytes (e.g. a malformed JSON body). */
  | { type: "raw"; status: number; body: string; headers?: Record<string, string> }
  /** Never answers (until the client gives up or the server closes). */
  | { type: "stall" };

export type FakeReplyFunction = (request: FakeLlmRequest, index: number) => FakeReply | Promise<FakeReply>;

export interface FakeLlmServerOptions {
  /** Replies served first, in order, one per request. */
  replies?: FakeReply[];
  /** Answers requests once the queue is empty. Default: `defaultFakeReply`. */
  reply?: FakeReplyFunction;
  /** When set, requests without this key get a 401. */
  requireApiKey?: string;
  /** OpenAI: answer with one choice whatever n is (like servers that ignore n). */
  ignoreN?: boolean;
  /** Further protocols, matched before the built-in two. */
  protocols?: readonly StandInProtocol[];
  /** Speak cleartext HTTP/2 (prior knowledge) instead of HTTP/1.1, as the AWS SDK's Bedrock client does. */
  http2?: boolean;
}

export interface FakeLlmServer {
  /** http://127.0.0.1:<port> — the Anthropic SDK's baseURL. */
  readonly url: string;
  /** `${url}/v1` — the OpenAI SDK's baseURL. */
  readonly openaiBaseURL: string;
  /** Every request received, in order. */
  readonly requests: FakeLlmRequest[];
  /** Appends scripted replies to the queue. */
  enqueue(...replies: FakeReply[]): void;
  /** Replaces the function that answers once the queue is empty. */
  setReply(reply: FakeReplyFunction): void;
  close(): Promise<void>;
}

const WORDS = [
  "blurry",
  "bright",
  "cropped",
  "close-up",
  "dark",
  "aerial",
  "centered",
  "small",
  "large",
  "clean",
];

/** The default answer: a "- " list of five templates, different for each request index. */
export function defaultFakeReply(request: FakeLlmRequest, index: number): FakeReply {
  const n = request.samples ?? (typeof request.body?.n === "number" ? request.body.n : 1);
  const texts = Array.from({ length: n }, (_, s) =>
    Array.from({ length: 5 }, (_, k) => {
      const w = WORDS[(index * 7 + s * 3 + k) % WORDS.length];
      return `- a ${w} photo of a {}, variant ${index}.${s}.${k}.`;
    }).join("\n"),
  );
  return { type: "text", texts };
}

export const estimateTokens = (s: string) => Math.ceil(s.length / 4);

function inputText(body: Record<string, unknown> | undefined): string {
  const messages = Array.isArray(body?.messages) ? (body.messages as { content?: unknown }[]) : [];
  const system = typeof body?.system === "string" ? body.system : "";
  return system + messages.map((m) => (typeof m.content === "string" ? m.content : "")).join("");
}

function anthropicSuccess(
  reply: Extract<FakeReply, { type: "text" }>,
  body: FakeLlmRequest["body"],
  index: number,
) {
  const text = reply.texts[0] ?? "";
  return {
    id: `msg_fake${String(index).padStart(8, "0")}`,
    type: "message",
    role: "assistant",
    model: typeof body?.model === "string" ? body.model : "unknown",
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: {
      input_tokens: reply.inputTokens ?? estimateTokens(inputText(body)),
      output_tokens: reply.outputTokens ?? estimateTokens(text),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      service_tier: "standard",
    },
  };
}

export function openaiSuccess(
  reply: Extract<FakeReply, { type: "text" }>,
  body: FakeLlmRequest["body"],
  index: number,
  ignoreN: boolean,
) {
  const texts = ignoreN ? reply.texts.slice(0, 1) : reply.texts;
  const prompt = reply.inputTokens ?? estimateTokens(inputText(body));
  const completion = reply.outputTokens ?? texts.reduce((s, t) => s + estimateTokens(t), 0);
  return {
    id: `chatcmpl-fake${String(index).padStart(8, "0")}`,
    object: "chat.completion",
    created: 1_767_225_600 + index,
    model: typeof body?.model === "string" ? body.model : "unknown",
    choices: texts.map((text, i) => ({
      index: i,
      message: { role: "assistant", content: text, refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: "stop",
    })),
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
    service_tier: "default",
    system_fingerprint: "fp_fake",
  };
}

const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  408: "timeout_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

function errorBody(protocol: FakeLlmRequest["protocol"], status: number, message: string) {
  if (protocol === "anthropic") {
    return { type: "error", error: { type: ANTHROPIC_ERROR_TYPES[status] ?? "api_error", message } };
  }
  const code = status === 429 ? "rate_limit_exceeded" : status === 401 ? "invalid_api_key" : null;
  return {
    error: { message, type: status >= 500 ? "server_error" : "invalid_request_error", param: null, code },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function keyOf(req: IncomingMessage): string | undefined {
  const x = req.headers["x-api-key"];
  if (typeof x === "string" && x !== "") return x;
  const auth = req.headers.authorization;
  if (typeof auth === "string" && auth.startsWith("Bearer ")) return auth.slice("Bearer ".length);
  return undefined;
}

/** Starts the fake server on an ephemeral port of 127.0.0.1. */
export async function startFakeLlmServer(options: FakeLlmServerOptions = {}): Promise<FakeLlmServer> {
  const requests: FakeLlmRequest[] = [];
  const queue: FakeReply[] = [...(options.replies ?? [])];
  let replyFn: FakeReplyFunction = options.reply ?? defaultFakeReply;

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      "content-type": "application/json",
      "request-id": `req_fake${requests.length}`,
      ...headers,
    });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const query = new URL(req.url ?? "/", "http://127.0.0.1").searchParams;
    const extra = options.protocols?.find((p) => p.matches(path, query));
    const protocol: FakeLlmRequest["protocol"] =
      extra?.name ??
      (path === "/v1/messages" ? "anthropic" : path === "/v1/chat/completions" ? "openai" : "unknown");
    let body: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
        body = parsed as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    const record: FakeLlmRequest = {
      protocol,
      method: req.method ?? "GET",
      path,
      headers: { ...req.headers },
      apiKey: extra?.apiKey ? extra.apiKey(req.headers, query) : keyOf(req),
      body,
      ...(extra?.samples ? { samples: extra.samples(body) } : {}),
    };
    const index = requests.length;
    requests.push(record);
    const fail = (status: number, message: string, headers: Record<string, string> = {}) =>
      extra
        ? send(res, status, JSON.stringify(extra.errorBody(status, message)), {
            ...extra.errorHeaders?.(status),
            ...headers,
          })
        : send(res, status, JSON.stringify(errorBody(protocol, status, message)), headers);
    if (protocol === "unknown" || req.method !== "POST") {
      send(res, 404, JSON.stringify(errorBody("openai", 404, `no route ${req.method} ${path}`)));
      return;
    }
    if (options.requireApiKey !== undefined && record.apiKey !== options.requireApiKey) {
      fail(401, "invalid x-api-key");
      return;
    }
    const rejected = extra?.reject?.(record, query);
    if (rejected) {
      fail(rejected.status, rejected.message);
      return;
    }
    const reply = queue.shift() ?? (await replyFn(record, index));
    switch (reply.type) {
      case "stall":
        return; // the socket stays open until the client aborts or the server closes
      case "raw":
        send(res, reply.status, reply.body, reply.headers);
        return;
      case "error":
        fail(reply.status, reply.message ?? `fake error ${reply.status}`, reply.headers);
        return;
      case "text": {
        const out = extra
          ? extra.success(reply, record, index)
          : protocol === "anthropic"
            ? anthropicSuccess(reply, body, index)
            : openaiSuccess(reply, body, index, options.ignoreN ?? false);
        send(res, 200, JSON.stringify(out));
        return;
      }
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, JSON.stringify({ error: { message: String(error) } }));
    });
  };
  // node:http2's compatibility API gives the same request/response methods this file uses.
  const sessions = new Set<Http2Session>();
  const h2 = options.http2
    ? createHttp2Server(listener as unknown as Parameters<typeof createHttp2Server>[0])
    : undefined;
  h2?.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  const server = h2 ?? createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    openaiBaseURL: `${url}/v1`,
    requests,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    setReply: (fn) => {
      replyFn = fn;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (h2) for (const session of sessions) session.destroy();
        else createServerOf(server).closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

const createServerOf = (server: unknown) => server as ReturnType<typeof createServer>;
