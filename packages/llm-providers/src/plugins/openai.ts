import { defineLlmProvider } from "@vlmopt/core";
import { priceFor } from "../prices.js";
import { requireRest } from "../provider-spec.js";
import { httpOptionsOf } from "./http-options.js";

/** `openai:<model>`: OpenAI Chat Completions (https://platform.openai.com/docs/api-reference/chat). */
export const openaiPlugin = defineLlmProvider({
  specificationVersion: "v1",
  kind: "llm-provider",
  prefixes: ["openai"],
  imageVendor: "openai",
  help: [
    {
      form: "openai:<model>",
      description: "OpenAI Chat Completions (needs OPENAI_API_KEY; OPENAI_BASE_URL)",
    },
  ],
  parse: (rest, _prefix, spec) => ({ kind: "openai" as const, model: requireRest(rest, spec) }),
  requiredEnv: () => ["OPENAI_API_KEY"],
  price: (p) => priceFor("openai", p.model),
  async create(p, options) {
    const { OpenAIProvider } = await import("../openai-provider.js");
    return new OpenAIProvider({ ...httpOptionsOf(options), model: p.model });
  },
});
