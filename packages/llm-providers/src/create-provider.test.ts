import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@vlmopt/core";
import { afterAll, describe, expect, it } from "vitest";
import { AnthropicProvider } from "./anthropic-provider.js";
import {
  checkCredentials,
  checkProviderSpec,
  createProvider,
  parseProviderSpec,
  priceOfSpec,
  requiredEnv,
} from "./create-provider.js";
import { LlamaCppProvider } from "./llama-cpp-provider.js";
import { OpenAIProvider } from "./openai-provider.js";
import { ReplayProvider } from "./replay-provider.js";
import { SimulatedProvider } from "./simulated-provider.js";

describe("parseProviderSpec", () => {
  it("parses every form", () => {
    expect(parseProviderSpec("anthropic:claude-haiku-4-5")).toEqual({
      kind: "anthropic",
      model: "claude-haiku-4-5",
    });
    expect(parseProviderSpec("openai:gpt-4o-mini")).toEqual({ kind: "openai", model: "gpt-4o-mini" });
    expect(parseProviderSpec("openai-compatible:qwen2.5:7b@http://10.0.0.2:1234/v1")).toEqual({
      kind: "openai-compatible",
      model: "qwen2.5:7b",
      baseURL: "http://10.0.0.2:1234/v1",
    });
    expect(parseProviderSpec("ollama:llama3.2:3b")).toMatchObject({
      model: "llama3.2:3b",
      baseURL: "http://127.0.0.1:11434/v1",
    });
    expect(parseProviderSpec("vllm:m")).toMatchObject({ baseURL: "http://127.0.0.1:8000/v1" });
    expect(parseProviderSpec("llamacpp:m")).toMatchObject({ baseURL: "http://127.0.0.1:8080/v1" });
    expect(parseProviderSpec("llama-cpp:models/x.gguf")).toEqual({
      kind: "llama-cpp",
      modelPath: "models/x.gguf",
    });
    expect(parseProviderSpec("simulated")).toEqual({ kind: "simulated", seed: 0 });
    expect(parseProviderSpec("simulated:42")).toEqual({ kind: "simulated", seed: 42 });
    expect(parseProviderSpec("replay:runs/a")).toEqual({ kind: "replay", runDir: "runs/a" });
  });

  it("rejects unknown or incomplete specs with a ConfigError listing the valid forms", () => {
    for (const bad of ["gpt-4", "bard:x", "openai:", "openai-compatible:m", "simulated:abc"]) {
      const error = (() => {
        try {
          parseProviderSpec(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(ConfigError.isInstance(error), bad).toBe(true);
      expect((error as ConfigError).message).toContain(JSON.stringify(bad));
      expect((error as ConfigError).hint).toContain("anthropic:<model>");
      expect((error as ConfigError).hint).toContain("replay:<run-dir>");
    }
  });
});

describe("credentials", () => {
  it("names the variables a spec needs", () => {
    expect(requiredEnv("anthropic:m")).toEqual(["ANTHROPIC_API_KEY"]);
    expect(requiredEnv("openai:m")).toEqual(["OPENAI_API_KEY"]);
    expect(requiredEnv("ollama:m")).toEqual([]);
    expect(requiredEnv("simulated")).toEqual([]);
  });

  it("checkCredentials throws before any work when a key is missing", () => {
    expect(() => checkCredentials("anthropic:m", {})).toThrow(
      "ANTHROPIC_API_KEY is not set — set it, or use --llm simulated",
    );
    expect(() => checkCredentials("openai:m", { OPENAI_API_KEY: " " })).toThrow(/OPENAI_API_KEY is not set/);
    expect(() => checkCredentials("anthropic:m", { ANTHROPIC_API_KEY: "k" })).not.toThrow();
    expect(() => checkCredentials("simulated", {})).not.toThrow();
  });

  it("createProvider throws the same ConfigError when the key is missing", async () => {
    await expect(createProvider("anthropic:m", { env: {} })).rejects.toThrow(/ANTHROPIC_API_KEY is not set/);
  });
});

describe("createProvider", () => {
  const env = { ANTHROPIC_API_KEY: "a-key", OPENAI_API_KEY: "o-key" };
  it("builds the provider each spec names", async () => {
    const a = await createProvider("anthropic:claude-sonnet-4-5", { env });
    expect(a).toBeInstanceOf(AnthropicProvider);
    expect(a.price).toEqual({ inputPerMTok: 3, outputPerMTok: 15 });
    const o = await createProvider("openai:gpt-4o", { env, baseURL: "http://127.0.0.1:9/v1" });
    expect(o).toBeInstanceOf(OpenAIProvider);
    expect((o as OpenAIProvider).baseURL).toBe("http://127.0.0.1:9/v1");
    const local = await createProvider("ollama:llama3", { env });
    expect(local.provider).toBe("openai-compatible");
    expect(local.price).toEqual({ inputPerMTok: 0, outputPerMTok: 0 });
    expect(
      (await createProvider("openai-compatible:m@https://example.invalid/v1", { env })).price,
    ).toBeNull();
    expect(await createProvider("llama-cpp:x.gguf")).toBeInstanceOf(LlamaCppProvider);
    expect(await createProvider("simulated:7")).toBeInstanceOf(SimulatedProvider);
    expect(await createProvider("replay:/tmp/none")).toBeInstanceOf(ReplayProvider);
  });

  it("takes a price override and reads OPENAI_BASE_URL", async () => {
    const p = await createProvider("openai:custom", {
      env: { ...env, OPENAI_BASE_URL: "http://127.0.0.1:1/v1" },
      price: { inputPerMTok: 1, outputPerMTok: 2 },
    });
    expect(p.price).toEqual({ inputPerMTok: 1, outputPerMTok: 2 });
    expect((p as OpenAIProvider).baseURL).toBe("http://127.0.0.1:1/v1");
  });

  it("wraps the provider in the reply cache when cacheDir is given", async () => {
    const p = await createProvider("openai:gpt-4o", { env, cacheDir: "/tmp/vlmopt-never-written" });
    expect(p).not.toBeInstanceOf(OpenAIProvider);
    expect(p.provider).toBe("openai");
    expect(p.modelId).toBe("gpt-4o");
  });
});

describe("checkProviderSpec: local paths are checked before any work", () => {
  const root = mkdtempSync(join(tmpdir(), "vlmopt-spec-check-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const configError = (fn: () => void): ConfigError => {
    try {
      fn();
    } catch (e) {
      expect(ConfigError.isInstance(e)).toBe(true);
      return e as ConfigError;
    }
    throw new Error("expected a ConfigError");
  };

  it("replay:<dir> needs a readable <dir>/events.jsonl", () => {
    const missing = join(root, "no-such-run");
    const e1 = configError(() => checkCredentials(`replay:${missing}`, {}));
    expect(e1.message).toContain(missing);
    expect(e1.message).toContain("does not exist");
    expect(e1.hint).toContain("--llm replay:");

    const notRun = join(root, "not-a-run");
    mkdirSync(notRun);
    const e2 = configError(() => checkProviderSpec(`replay:${notRun}`, {}));
    expect(e2.message).toContain(join(notRun, "events.jsonl"));
    expect(e2.message).toContain("not a run directory");

    mkdirSync(join(notRun, "events.jsonl"));
    expect(configError(() => checkCredentials(`replay:${notRun}`, {})).message).toContain("is not a file");

    const run = join(root, "run");
    mkdirSync(run);
    writeFileSync(join(run, "events.jsonl"), "");
    expect(() => checkCredentials(`replay:${run}`, {})).not.toThrow();
    if (process.getuid?.() !== 0) {
      chmodSync(join(run, "events.jsonl"), 0o000);
      expect(configError(() => checkCredentials(`replay:${run}`, {})).message).toContain("cannot read");
      chmodSync(join(run, "events.jsonl"), 0o644);
    }
  });

  it("llama-cpp:<file> needs an existing GGUF file, without loading it", () => {
    const missing = join(root, "missing.gguf");
    const e1 = configError(() => checkCredentials(`llama-cpp:${missing}`, {}));
    expect(e1.message).toContain(missing);
    expect(e1.hint).toContain("--llm llama-cpp:");
    expect(configError(() => checkProviderSpec(`llama-cpp:${root}`, {})).message).toContain("is not a file");
    const pointer = join(root, "pointer.gguf");
    writeFileSync(pointer, "version https://git-lfs.github.com/spec/v1\n");
    expect(configError(() => checkCredentials(`llama-cpp:${pointer}`, {})).message).toContain(
      "is not a GGUF file",
    );
    const header = join(root, "header-only.gguf");
    writeFileSync(header, Buffer.from("GGUF\x03\x00\x00\x00", "latin1"));
    expect(() => checkCredentials(`llama-cpp:${header}`, {})).not.toThrow();
  });

  it("checks keys and the spec's form too; other specs name no path", () => {
    expect(() => checkProviderSpec("anthropic:m", {})).toThrow(/ANTHROPIC_API_KEY is not set/);
    expect(() => checkProviderSpec("bard:x", {})).toThrow(ConfigError);
    expect(() => checkProviderSpec("simulated:3", {})).not.toThrow();
    expect(() => checkProviderSpec("ollama:m", {})).not.toThrow();
  });
});

describe("priceOfSpec", () => {
  it("is the price the created provider would use, without a key", async () => {
    expect(priceOfSpec("anthropic:claude-haiku-4-5")).toEqual(
      (await createProvider("anthropic:claude-haiku-4-5", { env: { ANTHROPIC_API_KEY: "x" } })).price,
    );
    expect(priceOfSpec("openai:gpt-4o-mini")).toEqual(
      (await createProvider("openai:gpt-4o-mini", { env: { OPENAI_API_KEY: "x" } })).price,
    );
    expect(priceOfSpec("openai:gpt-4o-mini")?.inputPerMTok).toBeGreaterThan(0);
    expect(priceOfSpec("ollama:qwen2.5")).toEqual({ inputPerMTok: 0, outputPerMTok: 0 });
    expect(priceOfSpec("openai-compatible:m@http://127.0.0.1:9/v1")).toBeNull();
    expect(priceOfSpec("anthropic:no-such-model")).toBeNull();
    expect(() => priceOfSpec("nonsense")).toThrow(/provider spec/);
  });
});
