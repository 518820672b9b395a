import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttp2Server, type Http2Session } from "node:http2";
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { STAND_IN_HEADER } from "../stand-in-header.js";
import { COHERE_MODEL_DIMS } from "../vendors/cohere.js";
import { JINA_MODEL_DIMS } from "../vendors/jina.js";
import { NOMIC_VISION_DIMS } from "../vendors/nomic.js";

/**
 * Local stand-ins on 127.0.0.1 for the embedding APIs, answering in each vendor's documented shape
 * (see the adapters in ../vendors for the documentation they follow). Vectors are deterministic
 * functions of the input (sha256-seeded), so they carry no meaning: every response says so in the
 * `x-vlmopt-stand-in` header, and encoders label runs against a stand-in as meaningless.
 */
export type StandInProtocol =
  | "jina"
  | "cohere"
  | "voyage"
  | "nomic"
  | "bedrock"
  | "vertex"
  | "vllm"
  | "infinity";

/** One programmed failure, served to the next request (in order). */
export type StandInFault =
  | { kind: "status"; status: number; retryAfter?: string; body?: string }
  | { kind: "malformed" }
  | { kind: "wrong-dimension" }
  | { kind: "hang"; ms: number };

export interface StandInCounts {
  /** Embedding requests (faults included). */
  requests: number;
  /** Requests that carried at least one image / text. */
  imageRequests: number;
  textRequests: number;
  /** Inputs embedded and answered. */
  images: number;
  texts: number;
}

export interface RecordedRequest {
  path: string;
  /** "1.1", or "2.0" for the HTTP/2 clients (the AWS SDK). */
  httpVersion: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface EmbeddingStandIn {
  /** The base URL to give the adapter (…/v1; Cohere's SDK adds /v2/embed to the bare origin). */
  readonly baseURL: string;
  readonly counts: StandInCounts;
  readonly requests: RecordedRequest[];
  /** Queues faults for the next requests. */
  fail(...faults: StandInFault[]): void;
  resetCounts(): void;
  close(): Promise<void>;
}

export interface StandInOptions {
  protocol: StandInProtocol;
  /** Output size (default 32). Jina's `dimensions` in a request wins. */
  dim?: number;
  /** Inputs per request the server accepts; more gets the vendor's 400 (default 2048). */
  maxBatch?: number;
  /** Require `Authorization: Bearer <something>` (default: true for jina). */
  requireAuth?: boolean;
}

function vectorOf(seed: string, dim: number): number[] {
  const out: number[] = [];
  let block = createHash("sha256").update(seed).digest();
  for (let i = 0; out.length < dim; i++) {
    if (i > 0 && i % 8 === 0) block = createHash("sha256").update(block).digest();
    const v = block.readInt32LE((i % 8) * 4) / 2 ** 31;
    out.push(v);
  }
  return out;
}

/** The content of an image input (base64, data URI or URL), for the vector's seed. */
function imageSeed(value: string): string {
  const data = value.startsWith("data:") ? value.slice(value.indexOf(",") + 1) : value;
  return `image:${createHash("sha256").update(Buffer.from(data, "base64")).digest("hex")}`;
}

interface Parsed {
  inputs: { kind: "text" | "image"; seed: string }[];
  dimensions?: number;
}

function parseRequest(protocol: StandInProtocol, body: Record<string, unknown>): Parsed | string {
  const dims: { dimensions?: number } =
    typeof body.dimensions === "number" ? { dimensions: body.dimensions } : {};
  if (protocol === "jina") {
    if (!Array.isArray(body.input)) return "input must be an array";
    // Without `dimensions`, the model's own output size, as the real API answers.
    const own = JINA_MODEL_DIMS[String(body.model)];
    if (dims.dimensions === undefined && own !== undefined) Object.assign(dims, { dimensions: own });
    const inputs: Parsed["inputs"] = [];
    for (const item of body.input as unknown[]) {
      if (typeof item === "string") inputs.push({ kind: "text", seed: `text:${item}` });
      else if (item && typeof (item as { text?: unknown }).text === "string")
        inputs.push({ kind: "text", seed: `text:${(item as { text: string }).text}` });
      else if (item && typeof (item as { image?: unknown }).image === "string")
        inputs.push({ kind: "image", seed: imageSeed((item as { image: string }).image) });
      else return "each input must be a string, {text} or {image}";
    }
    return { inputs, ...dims };
  }
  if (protocol === "cohere") {
    // The SDK's wire form (snake_case): { model, input_type, embedding_types, texts | images, output_dimension }.
    const d = typeof body.output_dimension === "number" ? { dimensions: body.output_dimension } : {};
    const own = COHERE_MODEL_DIMS[String(body.model)];
    const dimensions = "dimensions" in d ? d : own !== undefined ? { dimensions: own } : {};
    if (!Array.isArray(body.embedding_types) || !body.embedding_types.includes("float"))
      return "embedding_types must include float";
    if (Array.isArray(body.images)) {
      if (body.input_type !== "image") return "input_type must be image for images";
      return {
        inputs: (body.images as string[]).map((x) => ({ kind: "image" as const, seed: imageSeed(x) })),
        ...dimensions,
      };
    }
    if (!Array.isArray(body.texts)) return "texts or images is required";
    return {
      inputs: (body.texts as string[]).map((x) => ({ kind: "text" as const, seed: `text:${x}` })),
      ...dimensions,
    };
  }
  if (protocol === "voyage") {
    // The SDK's wire form: { model, inputs: [{ content: [{ type, text | image_base64 }] }], input_type }.
    if (!Array.isArray(body.inputs)) return "inputs must be a list";
    const inputs: Parsed["inputs"] = [];
    for (const item of body.inputs as {
      content?: { type?: string; text?: string; image_base64?: string }[];
    }[]) {
      const part = item?.content?.[0];
      if (part?.type === "text" && typeof part.text === "string")
        inputs.push({ kind: "text", seed: `text:${part.text}` });
      else if (part?.type === "image_base64" && typeof part.image_base64 === "string")
        inputs.push({ kind: "image", seed: imageSeed(part.image_base64) });
      else return "each input's content must be a text or image_base64 piece";
    }
    return { inputs, ...(String(body.model).startsWith("voyage-multimodal-3") ? { dimensions: 1024 } : {}) };
  }
  if (protocol === "vertex") {
    // :predict: { instances: [{ text } | { image: { bytesBase64Encoded } }], parameters: { dimension } }.
    if (!Array.isArray(body.instances)) return "instances must be a list";
    const params = body.parameters as { dimension?: unknown } | undefined;
    const dimensions = typeof params?.dimension === "number" ? params.dimension : 1408;
    const inputs: Parsed["inputs"] = [];
    for (const inst of body.instances as { text?: unknown; image?: { bytesBase64Encoded?: unknown } }[]) {
      if (typeof inst?.text === "string") inputs.push({ kind: "text", seed: `text:${inst.text}` });
      else if (typeof inst?.image?.bytesBase64Encoded === "string")
        inputs.push({ kind: "image", seed: imageSeed(inst.image.bytesBase64Encoded) });
      else return "each instance needs text or image.bytesBase64Encoded";
    }
    return { inputs, dimensions };
  }
  if (protocol === "bedrock") {
    // Titan Multimodal Embeddings' InvokeModel body: { inputText } or { inputImage }, embeddingConfig.
    const config = body.embeddingConfig as { outputEmbeddingLength?: unknown } | undefined;
    const dimensions =
      typeof config?.outputEmbeddingLength === "number" ? config.outputEmbeddingLength : 1024;
    if (typeof body.inputText === "string" && typeof body.inputImage === "string")
      return "one of inputText or inputImage, please (both are averaged)";
    if (typeof body.inputText === "string")
      return { inputs: [{ kind: "text", seed: `text:${body.inputText}` }], dimensions };
    if (typeof body.inputImage === "string")
      return { inputs: [{ kind: "image", seed: imageSeed(body.inputImage) }], dimensions };
    return "inputText or inputImage is required";
  }
  if (protocol === "nomic") {
    // Texts: JSON { texts, model, task_type }; images: the multipart form, read into { model, images }.
    const dimensions = NOMIC_VISION_DIMS[String(body.model).replace("text", "vision")] ?? 768;
    if (Array.isArray(body.images)) {
      return {
        inputs: (body.images as string[]).map((x) => ({ kind: "image" as const, seed: imageSeed(x) })),
        dimensions,
      };
    }
    if (!Array.isArray(body.texts)) return "texts must be a list of strings";
    if (typeof body.task_type !== "string") return "task_type is required";
    return {
      inputs: (body.texts as string[]).map((x) => ({ kind: "text" as const, seed: `text:${x}` })),
      dimensions,
    };
  }
  if (protocol === "vllm" && Array.isArray(body.messages)) {
    const content = (body.messages as { content?: unknown }[])[0]?.content;
    if (!Array.isArray(content)) return "messages[0].content must be an array of parts";
    const part = (content as { type?: string; image_url?: { url?: string } }[]).find(
      (p) => p.type === "image_url",
    );
    if (!part?.image_url?.url) return "no image_url part";
    return { inputs: [{ kind: "image", seed: imageSeed(part.image_url.url) }], ...dims };
  }
  const input = typeof body.input === "string" ? [body.input] : body.input;
  if (!Array.isArray(input) || !input.every((x) => typeof x === "string"))
    return "input must be a list of strings";
  const modality = protocol === "infinity" ? (body.modality ?? "text") : "text";
  if (modality !== "text" && modality !== "image") return `modality ${String(modality)} is not supported`;
  return {
    inputs: (input as string[]).map((x) =>
      modality === "image"
        ? { kind: "image" as const, seed: imageSeed(x) }
        : { kind: "text" as const, seed: `text:${x}` },
    ),
    ...dims,
  };
}

const AWS_ERROR_TYPES: Record<number, string> = {
  400: "ValidationException",
  403: "AccessDeniedException",
  404: "ResourceNotFoundException",
  429: "ThrottlingException",
  500: "InternalServerException",
  503: "ServiceUnavailableException",
};

/** Tokens of the text inputs (a rough 4 characters per token), as Bedrock's inputTextTokenCount. */
const texts = (p: Parsed): number =>
  p.inputs.filter((i) => i.kind === "text").reduce((n, i) => n + Math.ceil(i.seed.length / 4), 0);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** A multipart form as `{ field: value }`, with file parts as lists of base64 strings. */
async function readForm(req: IncomingMessage, raw: Buffer): Promise<Record<string, unknown>> {
  const form = await new Request("http://stand-in/", {
    method: "POST",
    headers: { "content-type": String(req.headers["content-type"] ?? "") },
    body: new Uint8Array(raw),
  }).formData();
  const out: Record<string, unknown> = {};
  for (const [k, v] of form.entries()) {
    if (typeof v === "string") {
      out[k] = v;
      continue;
    }
    const files = (out[k] as string[] | undefined) ?? [];
    files.push(Buffer.from(await v.arrayBuffer()).toString("base64"));
    out[k] = files;
  }
  return out;
}

/** Starts a stand-in for one protocol on 127.0.0.1 (a free port). */
export async function startEmbeddingStandIn(options: StandInOptions): Promise<EmbeddingStandIn> {
  const { protocol } = options;
  const baseDim = options.dim ?? 32;
  const maxBatch = options.maxBatch ?? 2048;
  const requireAuth = options.requireAuth ?? (protocol !== "vllm" && protocol !== "infinity");
  const faults: StandInFault[] = [];
  const counts: StandInCounts = { requests: 0, imageRequests: 0, textRequests: 0, images: 0, texts: 0 };
  const requests: RecordedRequest[] = [];

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    try {
      res.writeHead(status, { "content-type": "application/json", [STAND_IN_HEADER]: "1", ...headers });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    } catch {
      // The client went away (an HTTP/2 stream closed by its timeout): nothing to answer.
    }
  };
  // The AWS JSON protocol names the error in a header (the SDK's error class comes from it).
  const awsErrorType = (status: number): Record<string, string> =>
    protocol === "bedrock"
      ? {
          "x-amzn-errortype":
            AWS_ERROR_TYPES[status] ?? (status >= 500 ? "InternalServerException" : "ValidationException"),
        }
      : {};
  const error = (res: ServerResponse, status: number, message: string) =>
    send(
      res,
      status,
      protocol === "jina" || protocol === "nomic"
        ? { detail: message }
        : protocol === "cohere" || protocol === "bedrock"
          ? { message }
          : protocol === "vertex"
            ? {
                error: {
                  code: status,
                  message,
                  status: status === 429 ? "RESOURCE_EXHAUSTED" : "INVALID_ARGUMENT",
                },
              }
            : { object: "error", message, code: status },
      awsErrorType(status),
    );

  const server = createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0] as string;
    if (req.method === "GET" && path.endsWith("/models")) {
      return send(res, 200, {
        object: "list",
        data: [{ id: "stand-in", object: "model", owned_by: "vlmopt-stand-in" }],
      });
    }
    const routes =
      protocol === "cohere"
        ? ["/v2/embed"]
        : protocol === "voyage"
          ? ["/v1/multimodalembeddings"]
          : protocol === "nomic"
            ? ["/v1/embedding/text", "/v1/embedding/image"]
            : ["/v1/embeddings"];
    const routed =
      protocol === "bedrock"
        ? /^\/model\/[^/]+\/invoke$/.test(path)
        : protocol === "vertex"
          ? /^\/v1\/projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/models\/[^/]+:predict$/.test(path)
          : routes.includes(path);
    if (req.method !== "POST" || !routed) return error(res, 404, `no route ${req.method} ${path}`);
    const raw = await readBody(req);
    let body: Record<string, unknown>;
    try {
      body =
        path === "/v1/embedding/image"
          ? await readForm(req, raw)
          : (JSON.parse(raw.toString("utf8")) as Record<string, unknown>);
    } catch {
      return error(
        res,
        400,
        path === "/v1/embedding/image" ? "body is not a multipart form" : "body is not JSON",
      );
    }
    requests.push({ path, httpVersion: req.httpVersion, headers: { ...req.headers }, body });
    counts.requests++;
    const parsed = parseRequest(protocol, body);
    if (typeof parsed === "string") return error(res, 422, parsed);
    if (parsed.inputs.some((i) => i.kind === "image")) counts.imageRequests++;
    if (parsed.inputs.some((i) => i.kind === "text")) counts.textRequests++;
    const auth = String(req.headers.authorization ?? "");
    // Bedrock: a SigV4 signature (its access key id is checked for presence, not the signature).
    const authorized = protocol === "bedrock" ? /Credential=[^/\s]+\//.test(auth) : /^Bearer \S+/.test(auth);
    if (requireAuth && !authorized) {
      return error(res, 401, "missing or invalid API key");
    }
    const fault = faults.shift();
    if (fault?.kind === "status") {
      return send(res, fault.status, fault.body ?? { detail: `stand-in fault ${fault.status}` }, {
        ...(fault.retryAfter !== undefined ? { "retry-after": fault.retryAfter } : {}),
        ...awsErrorType(fault.status),
      });
    }
    if (fault?.kind === "malformed") return send(res, 200, '{"data": [ {"index": 0, "embedd');
    if (fault?.kind === "hang") {
      await delay(fault.ms);
      if (res.destroyed || (res as unknown as { stream?: { destroyed: boolean } }).stream?.destroyed) return;
    }
    if (parsed.inputs.length > maxBatch) {
      return error(
        res,
        400,
        `too many inputs: ${parsed.inputs.length} given, at most ${maxBatch} allowed per request`,
      );
    }
    const dim = (parsed.dimensions ?? baseDim) - (fault?.kind === "wrong-dimension" ? 1 : 0);
    let tokens = 0;
    const data = parsed.inputs.map((input, index) => {
      if (input.kind === "image") counts.images++;
      else counts.texts++;
      tokens += input.kind === "image" ? 1000 : Math.ceil(input.seed.length / 4);
      return { object: "embedding", index, embedding: vectorOf(input.seed, dim) };
    });
    if (protocol === "vertex") {
      return send(res, 200, {
        predictions: parsed.inputs.map((input, i) => ({
          [input.kind === "image" ? "imageEmbedding" : "textEmbedding"]: (data[i] as { embedding: number[] })
            .embedding,
        })),
        deployedModelId: "stand-in",
      });
    }
    if (protocol === "bedrock") {
      const only = data[0] as { embedding: number[] };
      return send(res, 200, { embedding: only.embedding, inputTextTokenCount: texts(parsed) });
    }
    if (protocol === "nomic") {
      return send(res, 200, {
        embeddings: data.map((d) => d.embedding),
        usage: { prompt_tokens: tokens, total_tokens: tokens },
        model: String(body.model),
      });
    }
    if (protocol === "cohere") {
      return send(res, 200, {
        id: "stand-in",
        response_type: "embeddings_by_type",
        embeddings: { float: data.map((d) => d.embedding) },
        meta: { billed_units: { input_tokens: tokens, images: counts.images } },
      });
    }
    // Answer out of order: clients must place rows by `index`.
    data.reverse();
    send(res, 200, {
      object: "list",
      model: String(body.model ?? "stand-in"),
      data,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  });
  // The AWS SDK's Bedrock runtime client speaks HTTP/2 (cleartext to a plain http:// endpoint),
  // the encoder's stand-in probe and other clients HTTP/1.1: one port serves both. Each connection
  // is forwarded by its first bytes (HTTP/2's preface starts "PRI * HTTP/2.0") to an inner
  // HTTP/1.1 or HTTP/2 server (node's servers read sockets natively, so a socket is not handed over).
  const h2 = createHttp2Server(server.listeners("request")[0] as Parameters<typeof createHttp2Server>[0]);
  const sessions = new Set<Http2Session>();
  h2.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  const listen = (srv: {
    listen: (port: number, host: string, cb: () => void) => unknown;
    address: () => unknown;
  }) =>
    new Promise<number>((resolve) =>
      srv.listen(0, "127.0.0.1", () => resolve((srv.address() as AddressInfo).port)),
    );
  const [h1Port, h2Port] = [await listen(server), await listen(h2)];
  const sockets = new Set<Socket>();
  const front = createNetServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.once("data", (first) => {
      const isH2 = first.subarray(0, 3).toString("latin1") === "PRI";
      const inner = connect(isH2 ? h2Port : h1Port, "127.0.0.1");
      sockets.add(inner);
      inner.on("close", () => sockets.delete(inner));
      inner.write(first);
      socket.pipe(inner).pipe(socket);
      const drop = () => {
        socket.destroy();
        inner.destroy();
      };
      socket.on("error", drop).on("close", drop);
      inner.on("error", drop).on("close", drop);
    });
  });
  await listen(front);
  const { port } = front.address() as AddressInfo;
  return {
    baseURL:
      protocol === "cohere" || protocol === "nomic" || protocol === "bedrock"
        ? `http://127.0.0.1:${port}`
        : `http://127.0.0.1:${port}/v1`,
    counts,
    requests,
    fail: (...f) => faults.push(...f),
    resetCounts() {
      Object.assign(counts, { requests: 0, imageRequests: 0, textRequests: 0, images: 0, texts: 0 });
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
        h2.close();
        server.close();
        front.close(() => resolve());
      }),
  };
}
