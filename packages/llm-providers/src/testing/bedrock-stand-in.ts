/**
 * A stand-in for the Bedrock runtime's Converse API on 127.0.0.1 (not an LLM): POST
 * `/model/<modelId>/converse` with the shapes of
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html —
 * `messages[].content[].text`, `system[].text`, `inferenceConfig` in;
 * `output.message.content[].text`, `stopReason`, `usage`, `metrics` out. Errors as the AWS JSON
 * protocol sends them: the type in `x-amzn-ErrorType` and `{ message }` in the body. The "key" it
 * records is the SigV4 access key id of the `Authorization` header (the signature is not checked).
 */
import {
  estimateTokens,
  type FakeLlmServer,
  type FakeLlmServerOptions,
  type StandInProtocol,
  startFakeLlmServer,
} from "./fake-llm-server.js";

const PATH = /^\/model\/([^/]+)\/converse$/;

const ERROR_TYPES: Record<number, string> = {
  400: "ValidationException",
  403: "AccessDeniedException",
  404: "ResourceNotFoundException",
  408: "ModelTimeoutException",
  429: "ThrottlingException",
  500: "InternalServerException",
  503: "ServiceUnavailableException",
};

function inputText(body: Record<string, unknown> | undefined): string {
  const texts = (blocks: unknown) =>
    (Array.isArray(blocks) ? blocks : []).map((b) => (typeof b?.text === "string" ? b.text : "")).join("");
  const messages = Array.isArray(body?.messages) ? (body.messages as { content?: unknown }[]) : [];
  return texts(body?.system) + messages.map((m) => texts(m.content)).join("");
}

export const bedrockConverseProtocol: StandInProtocol = {
  name: "bedrock",
  matches: (path) => PATH.test(path),
  apiKey: (headers) => {
    const auth = headers.authorization;
    if (typeof auth !== "string") return undefined;
    if (auth.startsWith("Bearer ")) return auth.slice(7);
    return /Credential=([^/]+)\//.exec(auth)?.[1];
  },
  samples: () => 1,
  success(reply, request) {
    const text = reply.texts[0] ?? "";
    const input = reply.inputTokens ?? estimateTokens(inputText(request.body));
    const output = reply.outputTokens ?? estimateTokens(text);
    return {
      output: { message: { role: "assistant", content: [{ text }] } },
      stopReason: "end_turn",
      usage: { inputTokens: input, outputTokens: output, totalTokens: input + output },
      metrics: { latencyMs: 1 },
    };
  },
  errorBody: (_status, message) => ({ message }),
  errorHeaders: (status) => ({
    "x-amzn-errortype": `${ERROR_TYPES[status] ?? (status >= 500 ? "InternalServerException" : "ValidationException")}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
  }),
};

/** The model id a recorded request named (URL-decoded). */
export const bedrockModelOf = (path: string): string | undefined => {
  const m = PATH.exec(path)?.[1];
  return m === undefined ? undefined : decodeURIComponent(m);
};

/** Starts the Bedrock stand-in; `url` is the client's `endpoint`. */
export function startBedrockStandIn(
  options: Omit<FakeLlmServerOptions, "protocols"> = {},
): Promise<FakeLlmServer> {
  return startFakeLlmServer({ ...options, protocols: [bedrockConverseProtocol], http2: true });
}
