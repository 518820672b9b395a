/**
 * A stand-in for the Gemini API on 127.0.0.1 (not an LLM): POST
 * `/<version>/models/<model>:generateContent` (and Vertex AI's
 * `/<version>/projects/<p>/locations/<l>/publishers/google/models/<model>:generateContent`) with
 * the REST shapes of https://ai.google.dev/api/generate-content — `contents[].parts[].text`,
 * `systemInstruction`, `generationConfig.{temperature, maxOutputTokens, stopSequences,
 * candidateCount}` in; `candidates[].content.parts[]`, `finishReason`, `usageMetadata` out; errors
 * as `{ error: { code, message, status } }` (https://ai.google.dev/gemini-api/docs/troubleshooting),
 * 429 with a google.rpc.RetryInfo detail. The key comes in `x-goog-api-key` (or `?key=`).
 */
import {
  estimateTokens,
  type FakeLlmServer,
  type FakeLlmServerOptions,
  type StandInProtocol,
  startFakeLlmServer,
} from "./fake-llm-server.js";

const STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

interface Content {
  parts?: { text?: unknown }[];
}

function inputText(body: Record<string, unknown> | undefined): string {
  const text = (c: unknown) =>
    ((c as Content | undefined)?.parts ?? []).map((p) => (typeof p.text === "string" ? p.text : "")).join("");
  const contents = Array.isArray(body?.contents) ? body.contents : [];
  return text(body?.systemInstruction) + contents.map(text).join("");
}

function generationConfig(body: Record<string, unknown> | undefined): Record<string, unknown> {
  const config = body?.generationConfig;
  return config && typeof config === "object" ? (config as Record<string, unknown>) : {};
}

export const geminiProtocol: StandInProtocol = {
  name: "gemini",
  matches: (path) =>
    /^\/v1[a-z0-9]*\/(?:projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/)?models\/[^/:]+:generateContent$/.test(
      path,
    ),
  apiKey: (headers, query) => {
    const key = headers["x-goog-api-key"];
    if (typeof key === "string" && key !== "") return key;
    const auth = headers.authorization;
    if (typeof auth === "string" && auth.startsWith("Bearer ")) return auth.slice(7);
    return query.get("key") ?? undefined;
  },
  samples: (body) => {
    const n = generationConfig(body).candidateCount;
    return typeof n === "number" ? n : 1;
  },
  success(reply, request, index) {
    const texts = reply.texts.slice(0, request.samples ?? 1);
    const prompt = reply.inputTokens ?? estimateTokens(inputText(request.body));
    const output = reply.outputTokens ?? texts.reduce((s, t) => s + estimateTokens(t), 0);
    const model = /models\/([^/:]+):/.exec(request.path)?.[1] ?? "unknown";
    return {
      candidates: texts.map((text, i) => ({
        content: { parts: [{ text }], role: "model" },
        finishReason: "STOP",
        index: i,
      })),
      usageMetadata: {
        promptTokenCount: prompt,
        candidatesTokenCount: output,
        totalTokenCount: prompt + output,
        promptTokensDetails: [{ modality: "TEXT", tokenCount: prompt }],
      },
      modelVersion: model,
      responseId: `fake${String(index).padStart(8, "0")}`,
    };
  },
  errorBody: (status, message) => ({
    error: {
      code: status,
      message,
      status: STATUS[status] ?? "UNKNOWN",
      ...(status === 429
        ? {
            details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "1s" }],
          }
        : {}),
    },
  }),
};

/** Starts the Gemini stand-in; point the SDK at it with `httpOptions.baseUrl` = `url`. */
export function startGeminiStandIn(
  options: Omit<FakeLlmServerOptions, "protocols"> = {},
): Promise<FakeLlmServer> {
  return startFakeLlmServer({ ...options, protocols: [geminiProtocol] });
}
