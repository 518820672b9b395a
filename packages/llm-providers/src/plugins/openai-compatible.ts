import { defineLlmProvider, type LlmProviderPlugin, type ModelPrice } from "@vlmopt/core";
import { invalidLlmSpec, requireRest } from "../provider-spec.js";
import { httpOptionsOf } from "./http-options.js";

/** A spec of an OpenAI-compatible server: the model, its base URL and the preset that named it. */
export interface OpenAICompatibleSpec {
  kind: "openai-compatible";
  model: string;
  baseURL: string;
  preset?: string;
}

const FREE: ModelPrice = { inputPerMTok: 0, outputPerMTok: 0 };

async function createCompatible(p: OpenAICompatibleSpec, options: Parameters<typeof httpOptionsOf>[0]) {
  const { OpenAIProvider } = await import("../openai-provider.js");
  const http = httpOptionsOf(options);
  return new OpenAIProvider({
    // A local server costs nothing; an arbitrary endpoint's price is unknown unless given.
    ...(p.preset ? { price: { ...FREE } } : {}),
    ...http,
    model: p.model,
    baseURL: http.baseURL ?? p.baseURL,
    flavor: "openai-compatible",
  });
}

/** `openai-compatible:<model>@<baseURL>`: any server that speaks OpenAI's Chat Completions. */
export const openaiCompatiblePlugin = defineLlmProvider<OpenAICompatibleSpec>({
  specificationVersion: "v1",
  kind: "llm-provider",
  prefixes: ["openai-compatible"],
  help: [
    {
      form: "openai-compatible:<model>@<baseURL>",
      description: "any OpenAI-compatible server, e.g. openai-compatible:qwen2.5@http://127.0.0.1:1234/v1",
    },
  ],
  parse(rest, _prefix, spec) {
    requireRest(rest, spec);
    const at = rest.lastIndexOf("@");
    const model = at > 0 ? rest.slice(0, at) : "";
    const baseURL = at > 0 ? rest.slice(at + 1) : "";
    if (!model || !/^https?:\/\/\S+$/.test(baseURL)) {
      throw invalidLlmSpec(spec, "must be openai-compatible:<model>@<http(s)://host:port/v1>");
    }
    return { kind: "openai-compatible", model, baseURL };
  },
  price: () => null,
  create: createCompatible,
});

/**
 * A preset: `<name>:<model>` for an OpenAI-compatible server at a fixed base URL (a local server
 * costs nothing). One line in plugins.ts adds one, e.g.
 * `openaiCompatiblePreset("lmstudio", "http://127.0.0.1:1234/v1", "an LM Studio server")`.
 */
export function openaiCompatiblePreset(
  name: string,
  baseURL: string,
  description: string,
): LlmProviderPlugin<OpenAICompatibleSpec> {
  return defineLlmProvider<OpenAICompatibleSpec>({
    specificationVersion: "v1",
    kind: "llm-provider",
    prefixes: [name],
    help: [{ form: `${name}:<model>`, description: `${description} (${baseURL})` }],
    parse: (rest, _prefix, spec) => ({
      kind: "openai-compatible",
      model: requireRest(rest, spec),
      baseURL,
      preset: name,
    }),
    price: () => ({ ...FREE }),
    create: createCompatible,
  });
}

/** Local OpenAI-compatible servers and their default ports. */
export const OPENAI_COMPATIBLE_PRESETS = {
  ollama: "http://127.0.0.1:11434/v1",
  vllm: "http://127.0.0.1:8000/v1",
  llamacpp: "http://127.0.0.1:8080/v1",
} as const;
