import { resolve } from "node:path";
import {
  ConfigError,
  defineLlmProvider,
  defineStrategy,
  type LlmProvider,
  type SearchStrategy,
} from "@vlmopt/core";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { clearRegisteredPlugins, registerPlugin } from "./plugin-set.js";
import { createRegistry } from "./registry.js";

const echo: LlmProvider = {
  specificationVersion: "v1",
  provider: "echo",
  modelId: "echo-1",
  price: { inputPerMTok: 0, outputPerMTok: 0 },
  async generate() {
    return { texts: ["a photo of a {}."], usage: { inputTokens: 1, outputTokens: 1, costUsd: 0 } };
  },
};

const echoPlugin = defineLlmProvider({
  specificationVersion: "v1",
  kind: "llm-provider",
  prefixes: ["echo"],
  help: [{ form: "echo:<model>", description: "replies with one template" }],
  parse: (rest) => ({ model: rest || "echo-1" }),
  requiredEnv: () => ["ECHO_KEY"],
  price: () => ({ inputPerMTok: 1, outputPerMTok: 2 }),
  create: () => echo,
});

const once = defineStrategy({
  specificationVersion: "v1",
  kind: "strategy",
  name: "once",
  description: "scores its templates once",
  params: z.object({
    repeats: z.number().int().min(1).max(5).default(1).describe("times each template is scored"),
    loud: z.boolean().default(false).describe("say more"),
  }),
  create(params): SearchStrategy {
    const repeats: number = params.repeats;
    return {
      specificationVersion: "v1",
      name: "once",
      params: { repeats, loud: params.loud },
      ask: (ctx) => (ctx.step === 0 ? { kind: "templates", templates: ["a {}."], label: "pool" } : null),
      tell() {},
    };
  },
});

const configError = async (p: Promise<unknown>): Promise<ConfigError> => {
  try {
    await p;
  } catch (e) {
    expect(ConfigError.isInstance(e)).toBe(true);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
};

afterEach(() => clearRegisteredPlugins());

describe("createRegistry: built-in LLM providers", () => {
  const registry = createRegistry();
  it("reads whose image token rules a spec follows from its entry (imageVendor), undefined for text-only", () => {
    expect(registry.llmImageVendor("anthropic:claude-haiku-4-5")).toBe("anthropic");
    expect(registry.llmImageVendor("openai:gpt-4o-mini")).toBe("openai");
    expect(registry.llmImageVendor("azure-openai:my-deployment")).toBe("openai");
    expect(registry.llmImageVendor("google:gemini-2.5-flash")).toBe("gemini");
    expect(registry.llmImageVendor("simulated")).toBeUndefined();
    expect(registry.llmImageVendor("groq:llama")).toBeUndefined();
    expect(registry.llmImageVendor("no-such-prefix:x")).toBeUndefined();
  });
  it("lists every spec form with the prefix that selects its entry", () => {
    const forms = registry.listLlms();
    expect(forms.map((f) => f.prefix)).toEqual([
      "anthropic",
      "openai",
      "openai-compatible",
      "ollama",
      "vllm",
      "llamacpp",
      "llama-cpp",
      "simulated",
      "replay",
      // issue #20's entries, one line each in llm-providers/src/plugins.ts
      "openrouter",
      "groq",
      "together",
      "deepseek",
      "mistral",
      "fireworks",
      "google",
      "azure-openai",
      "bedrock",
    ]);
    expect(forms.find((f) => f.prefix === "anthropic")?.description).toContain("ANTHROPIC_API_KEY");
  });

  it("checks keys, prices specs, normalizes paths and knows what the reply cache can save", async () => {
    await expect(registry.checkLlm("anthropic:m", {})).rejects.toThrow(
      "ANTHROPIC_API_KEY is not set — set it, or use --llm simulated",
    );
    expect(await registry.priceOfLlm("ollama:q")).toEqual({ inputPerMTok: 0, outputPerMTok: 0 });
    expect(await registry.priceOfLlm("openai-compatible:m@http://127.0.0.1:9/v1")).toBeNull();
    expect(registry.normalizeLlm("replay:runs/a", "/work")).toBe(`replay:${resolve("/work", "runs/a")}`);
    expect(registry.normalizeLlm("anthropic:m", "/work")).toBe("anthropic:m");
    expect(registry.llmCacheable("simulated:3")).toBe(false);
    expect(registry.llmCacheable("openai:gpt-4o")).toBe(true);
    expect((await registry.resolveLlm("simulated:4")).modelId).toBe("word-edit-seed-4");
  });
});

describe("out-of-tree plugins", () => {
  it("createRegistry({ plugins }) resolves, checks, prices and lists them before the built-ins", async () => {
    const registry = createRegistry({ plugins: [echoPlugin, once] });
    expect(registry.listLlms()[0]).toMatchObject({ name: "echo:<model>", prefix: "echo" });
    await expect(registry.checkLlm("echo:x", {})).rejects.toThrow("ECHO_KEY is not set");
    await expect(registry.checkLlm("echo:x", { ECHO_KEY: "k" })).resolves.toBeUndefined();
    expect(await registry.priceOfLlm("echo:x")).toEqual({ inputPerMTok: 1, outputPerMTok: 2 });
    expect(await registry.resolveLlm("echo:x")).toBe(echo);
    const strategy = await registry.resolveStrategy("once", { repeats: "3", loud: "true" }, {});
    expect(strategy.params).toEqual({ repeats: 3, loud: true });
    const listed = (await registry.listStrategies()).find((s) => s.name === "once");
    expect(listed?.params).toEqual([
      { name: "repeats", default: 1, description: "times each template is scored" },
      { name: "loud", default: false, description: "say more" },
    ]);
  });

  it("gives one ConfigError naming a bad parameter and its valid values", async () => {
    const registry = createRegistry({ plugins: [once] });
    const bad = await configError(registry.resolveStrategy("once", { repeats: "9" }, {}));
    expect(bad.message).toBe(
      'strategy "once" parameter "repeats" is "9"; valid values: a whole number from 1 to 5',
    );
    expect(bad.hint).toBe("times each template is scored (default 1)");
    const unknown = await configError(registry.resolveStrategy("once", { repeat: 2 }, {}));
    expect(unknown.message).toContain('has no parameter "repeat"; valid parameters: repeats, loud');
  });

  it("registerPlugin() adds entries to every registry created afterwards, and rejects non-entries", async () => {
    expect(
      createRegistry()
        .listLlms()
        .some((f) => f.prefix === "echo"),
    ).toBe(false);
    registerPlugin(echoPlugin);
    expect(
      createRegistry()
        .listLlms()
        .some((f) => f.prefix === "echo"),
    ).toBe(true);
    expect(() => registerPlugin({ kind: "llm-provider" } as never)).toThrow(/not a vlmopt plugin entry/);
  });

  it("an unknown prefix is still reported with every valid form", async () => {
    const registry = createRegistry({ plugins: [echoPlugin] });
    const e = await configError(registry.checkLlm("bard:x", {}));
    expect(e.message).toContain('has an unknown provider "bard"');
    expect(e.hint).toContain("echo:<model>");
    expect(e.hint).toContain("replay:<run-dir>");
  });
});
