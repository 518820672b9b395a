import { defineLlmProvider } from "@vlmopt/core";
import { checkGgufFile } from "../provider-paths.js";
import { absoluteSpecPath, requireRest } from "../provider-spec.js";

/** `llama-cpp:<file.gguf>`: a GGUF model run in-process by node-llama-cpp (optional dependency). */
export const llamaCppPlugin = defineLlmProvider({
  specificationVersion: "v1",
  kind: "llm-provider",
  prefixes: ["llama-cpp"],
  help: [{ form: "llama-cpp:<file.gguf>", description: "a GGUF model run in-process (node-llama-cpp)" }],
  parse: (rest, _prefix, spec) => ({ kind: "llama-cpp" as const, modelPath: requireRest(rest, spec) }),
  check: (p) => checkGgufFile(p.modelPath),
  price: () => ({ inputPerMTok: 0, outputPerMTok: 0 }),
  normalize: (p, cwd) => `llama-cpp:${absoluteSpecPath(cwd, p.modelPath)}`,
  async create(p, options) {
    const { LlamaCppProvider } = await import("../llama-cpp-provider.js");
    return new LlamaCppProvider({
      modelPath: p.modelPath,
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    });
  },
});
