import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlmServer, startFakeLlmServer } from "@vlmopt/llm-providers";
import { createRegistry } from "@vlmopt/registry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeRegistry, writeToyDataset } from "./fake-registry.js";
import { memoryIo } from "./io.js";
import { run } from "./main.js";

const real = createRegistry();
/** Test doubles for model, dataset and strategy; the real LLM check and providers. */
const registry = () => fakeRegistry({ checkLlm: real.checkLlm, resolveLlm: real.resolveLlm });

function setup() {
  const cwd = mkdtempSync(join(tmpdir(), "vlmopt-cli-llm-"));
  writeToyDataset(join(cwd, "data"));
  return cwd;
}

const base = ["--dataset", "toy", "--data-root", "data", "--model", "random:tiny", "--strategy", "toy"];
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

describe("--llm paths are checked before anything is written", () => {
  for (const spec of ["replay:no-such-run", "llama-cpp:models/none.gguf"]) {
    it(spec, async () => {
      const cwd = setup();
      const io = memoryIo({ cwd });
      const code = await run(["optimize", ...base, "--llm", spec, "--cache-dir", "cache"], io, registry());
      expect(code).toBe(1);
      expect(io.errText.trimEnd().split("\n")).toHaveLength(1);
      expect(io.errText).toMatch(/^error: --llm .*(no events\.jsonl|does not exist) — give /);
      expect(io.errText).toContain(join(cwd, spec.slice(spec.indexOf(":") + 1)));
      expect(readdirSync(cwd)).toEqual(["data"]);
    });
  }

  it("replay:<relative run dir> is resolved against the working directory and replays the run", async () => {
    const cwd = setup();
    expect(
      await run(
        ["optimize", ...base, "--llm", "scripted", "--iterations", "2", "--run-dir", "first"],
        memoryIo({ cwd }),
        fakeRegistry(),
      ),
    ).toBe(0);
    const io = memoryIo({ cwd });
    const code = await run(
      ["optimize", ...base, "--llm", "replay:first", "--iterations", "2", "--run-dir", "again"],
      io,
      registry(),
    );
    expect(io.errText).not.toMatch(/^error/m);
    expect(code).toBe(0);
    const templates = (dir: string) =>
      readJson(join(cwd, dir, "results.json")).history.map((h: { template: string }) => h.template);
    expect(templates("again")).toEqual(templates("first"));
    const manifest = readJson(join(cwd, "again/manifest.json"));
    expect(manifest.options.llm).toBe(`replay:${join(cwd, "first")}`);
    expect(manifest.options.llmCache).toBe(false);
  });
});

describe("the LLM-reply cache is on by default", () => {
  let server: FakeLlmServer;
  beforeAll(async () => {
    server = await startFakeLlmServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("a repeated command makes no request in a new run directory; --no-llm-cache asks again", async () => {
    const cwd = setup();
    const env = { OPENAI_API_KEY: "sk-test-not-a-key", OPENAI_BASE_URL: server.openaiBaseURL };
    const args = [
      "optimize",
      ...base,
      "--llm",
      "openai:gpt-4o-mini",
      "--iterations",
      "3",
      "--cache-dir",
      "cache",
    ];
    const optimize = async (runDir: string, extra: string[] = []) => {
      const io = memoryIo({ cwd, env });
      const before = server.requests.length;
      const code = await run([...args, ...extra, "--run-dir", runDir], io, registry());
      expect(io.errText).not.toMatch(/^error/m);
      expect(code).toBe(0);
      return server.requests.length - before;
    };
    const first = await optimize("a");
    expect(first).toBe(3);
    expect(await optimize("b")).toBe(0);
    const a = readJson(join(cwd, "a/results.json"));
    const b = readJson(join(cwd, "b/results.json"));
    expect(b.history).toEqual(a.history);
    expect(b.usage.cachedCalls).toBe(3);
    expect(readJson(join(cwd, "b/manifest.json")).options).toMatchObject({
      llmCache: true,
      llmCacheDir: join(cwd, "cache", "llm"),
    });
    expect(await optimize("c", ["--no-llm-cache"])).toBe(first);
    expect(readJson(join(cwd, "c/manifest.json")).options).toMatchObject({
      llmCache: false,
      noLlmCache: true,
    });
  });
});

describe("the LLM-reply cache keys on the endpoint", () => {
  let one: FakeLlmServer;
  let two: FakeLlmServer;
  beforeAll(async () => {
    one = await startFakeLlmServer();
    two = await startFakeLlmServer();
  });
  afterAll(async () => {
    await one.close();
    await two.close();
  });

  const optimizeWith = async (cwd: string, llm: string[], runDir: string) => {
    const io = memoryIo({ cwd, env: {} });
    const args = [
      "optimize",
      ...base,
      ...llm,
      "--iterations",
      "2",
      "--cache-dir",
      "cache",
      "--run-dir",
      runDir,
    ];
    const code = await run(args, io, registry());
    expect(io.errText).not.toMatch(/^error/m);
    expect(code).toBe(0);
    return { io, results: readJson(join(cwd, runDir, "results.json")) };
  };

  it("a second OpenAI-compatible server with the same model name receives its own requests", async () => {
    const cwd = setup();
    await optimizeWith(cwd, ["--llm", `openai-compatible:qwen2.5@${one.openaiBaseURL}`], "a");
    expect(one.requests).toHaveLength(2);
    await optimizeWith(cwd, ["--llm", `openai-compatible:qwen2.5@${two.openaiBaseURL}`], "b");
    expect(two.requests).toHaveLength(2);
    expect(one.requests).toHaveLength(2);
  });

  it("so does a preset (ollama:) pointed at another server with --llm-base-url", async () => {
    const cwd = setup();
    const before = [one.requests.length, two.requests.length];
    await optimizeWith(cwd, ["--llm", "ollama:qwen2.5", "--llm-base-url", one.openaiBaseURL], "a");
    await optimizeWith(cwd, ["--llm", "ollama:qwen2.5", "--llm-base-url", two.openaiBaseURL], "b");
    expect([one.requests.length - (before[0] ?? 0), two.requests.length - (before[1] ?? 0)]).toEqual([2, 2]);
  });

  it("a cached re-run reports the cost the live run reported (unknown stays unknown)", async () => {
    const cwd = setup();
    const llm = ["--llm", `openai-compatible:qwen2.5@${one.openaiBaseURL}`];
    const live = await optimizeWith(cwd, llm, "a");
    const cached = await optimizeWith(cwd, llm, "b");
    expect(cached.results.usage.cachedCalls).toBe(2);
    expect(live.results.usage.costUsd).toBeNull();
    expect(cached.results.usage.costUsd).toBeNull();
    expect(cached.io.outText).toContain("cost unknown");
  });
});

describe("a provider error mid-run", () => {
  it("says how to resume, and asks whether a local server is running", async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, "127.0.0.1", ok));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((ok) => closed.close(() => ok()));
    const url = `http://127.0.0.1:${port}/v1`;
    const cwd = setup();
    const io = memoryIo({ cwd });
    const code = await run(
      [
        "optimize",
        ...base,
        "--llm",
        "ollama:x",
        "--llm-base-url",
        url,
        "--llm-retries",
        "0",
        "--no-llm-cache",
        "--run-dir",
        "r",
      ],
      io,
      registry(),
    );
    expect(code).toBe(1);
    const lines = io.errText.trimEnd().split("\n");
    const error = lines.findIndex((l) => l.startsWith("error: "));
    expect(lines[error]).toContain(`cannot reach ${url}`);
    expect(lines.slice(error + 1)).toEqual([
      `hint: is the server running at ${url}? (or pass --llm-base-url)`,
      "what was done is saved in r",
      "resume with: vlmopt resume r",
    ]);
    expect(readdirSync(join(cwd, "r"))).toContain("events.jsonl");
  });
});
