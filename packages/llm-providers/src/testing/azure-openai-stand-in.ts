/**
 * A stand-in for Azure OpenAI on 127.0.0.1 (not an LLM): POST
 * `/openai/deployments/<deployment>/chat/completions?api-version=<YYYY-MM-DD[-preview]>`
 * (https://learn.microsoft.com/azure/ai-services/openai/reference), key in the `api-key` header or
 * an Entra ID token as `Authorization: Bearer`. A request without a well-formed api-version, or
 * with one not in `apiVersions`, gets Azure's 404 / 400 error shape
 * `{ error: { code, message } }`; answers are Chat Completions plus `prompt_filter_results`.
 */
import {
  type FakeLlmServer,
  type FakeLlmServerOptions,
  openaiSuccess,
  type StandInProtocol,
  startFakeLlmServer,
} from "./fake-llm-server.js";

const PATH = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;

export function azureOpenAIProtocol(apiVersions?: readonly string[]): StandInProtocol {
  return {
    name: "azure-openai",
    matches: (path) => PATH.test(path),
    apiKey: (headers) => {
      const key = headers["api-key"];
      if (typeof key === "string" && key !== "") return key;
      const auth = headers.authorization;
      return typeof auth === "string" && auth.startsWith("Bearer ") ? auth.slice(7) : undefined;
    },
    reject(_request, query) {
      const version = query.get("api-version");
      if (!version) return { status: 404, message: "Resource not found (no api-version query parameter)" };
      if (
        !/^\d{4}-\d{2}-\d{2}(?:-preview)?$/.test(version) ||
        (apiVersions && !apiVersions.includes(version))
      )
        return { status: 400, message: `Unsupported api-version ${version}` };
      return undefined;
    },
    success: (reply, request, index) => ({
      ...openaiSuccess(reply, request.body, index, false),
      model: typeof request.body?.model === "string" ? request.body.model : "unknown",
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }],
    }),
    errorBody: (status, message) => ({
      error: { code: status === 429 ? "429" : status === 401 ? "401" : String(status), message },
    }),
  };
}

/** The deployment a recorded request named. */
export const azureDeploymentOf = (path: string): string | undefined => PATH.exec(path)?.[1];

/** Starts the Azure stand-in; `url` is the resource endpoint (AZURE_OPENAI_ENDPOINT). */
export function startAzureOpenAIStandIn(
  options: Omit<FakeLlmServerOptions, "protocols"> & { apiVersions?: readonly string[] } = {},
): Promise<FakeLlmServer> {
  const { apiVersions, ...rest } = options;
  return startFakeLlmServer({ ...rest, protocols: [azureOpenAIProtocol(apiVersions)] });
}
