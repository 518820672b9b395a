/**
 * A local HTTP server on 127.0.0.1 that speaks the Anthropic Messages API (POST /v1/messages) and
 * OpenAI Chat Completions (POST /v1/chat/completions) with responses shaped like the real ones.
 * For tests: it records every request and answers from a script (a queue and/or a function).
 * It is not an LLM.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeProtocol = "anthropic" | "openai";

export interface FakeLlmRequest {
  protocol: FakeProtocol | "unknown";
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The key sent as `x-api-key` or `Authorization: Bearer`, if any. */
  apiKey: string | undefined;
  /** Parsed JSON body (undefined when it was not JSON). */
  body: Record<string, unknown> | undefined;
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
  const n = typeof request.body?.n === "number" ? request.body.n : 1;
  const texts = Array.from({ length: n }, (_, s) =>
    Array.from({ length: 5 }, (_, k) => {
      const w = WORDS[(index * 7 + s * 3 + k) % WORDS.length];
      return `- a ${w} photo of a {}, variant ${index}.${s}.${k}.`;
    }).join("\n"),
  );
  return { type: "text", texts };
}

const estimateTokens = (s: string) => Math.ceil(s.length / 4);

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

function openaiSuccess(
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
    const protocol: FakeLlmRequest["protocol"] =
      path === "/v1/messages" ? "anthropic" : path === "/v1/chat/completions" ? "openai" : "unknown";
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
      apiKey: keyOf(req),
      body,
    };
    const index = requests.length;
    requests.push(record);
    if (protocol === "unknown" || req.method !== "POST") {
      send(res, 404, JSON.stringify(errorBody("openai", 404, `no route ${req.method} ${path}`)));
      return;
    }
    if (options.requireApiKey !== undefined && record.apiKey !== options.requireApiKey) {
      send(res, 401, JSON.stringify(errorBody(protocol, 401, "invalid x-api-key")));
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
        send(
          res,
          reply.status,
          JSON.stringify(errorBody(protocol, reply.status, reply.message ?? `fake error ${reply.status}`)),
          reply.headers,
        );
        return;
      case "text": {
        const out =
          protocol === "anthropic"
            ? anthropicSuccess(reply, body, index)
            : openaiSuccess(reply, body, index, options.ignoreN ?? false);
        send(res, 200, JSON.stringify(out));
        return;
      }
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, JSON.stringify({ error: { message: String(error) } }));
    });
  });
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
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
