import { defineLlmProvider } from "@vlmopt/core";
import { priceFor } from "../prices.js";
import { requireRest } from "../provider-spec.js";
import { httpOptionsOf } from "./http-options.js";

/** `anthropic:<model>`: Anthropic's Messages API (https://docs.anthropic.com/en/api/messages). */
export const anthropicPlugin = defineLlmProvider({
  specificationVersion: "v1",
  kind: "llm-provider",
  prefixes: ["anthropic"],
  imageVendor: "anthropic",
  help: [{ form: "anthropic:<model>", description: "Anthropic Messages API (needs ANTHROPIC_API_KEY)" }],
  parse: (rest, _prefix, spec) => ({ kind: "anthropic" as const, model: requireRest(rest, spec) }),
  requiredEnv: () => ["ANTHROPIC_API_KEY"],
  price: (p) => priceFor("anthropic", p.model),
  async create(p, options) {
    const { AnthropicProvider } = await import("../anthropic-provider.js");
    return new AnthropicProvider({ ...httpOptionsOf(options), model: p.model });
  },
});
