/**
 * The providers of issue #20 end to end: `vlmopt optimize --llm <spec> --llm-base-url <stand-in>`
 * as a subprocess (`node apps/cli/dist/bin.js`) on the embedded demo with the generated tiny CLIP
 * model, one run per provider against a local stand-in speaking its protocol (OpenAI Chat
 * Completions for the hosted presets, the Gemini REST shape, Azure's deployment URL and
 * api-version, Bedrock Converse over HTTP/2). Also: which vendor SDKs a command loads, seen by a
 * module-resolution hook (`--import`), and that no key is written anywhere.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type FakeLlmServer,
  startAzureOpenAIStandIn,
  startBedrockStandIn,
  startFakeLlmServer,
} from "@vlmopt/llm-providers/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CliResult,
  DEMO_ARGS,
  ensureCliBuilt,
  geminiCase,
  runCli,
  type StandInCase,
} from "./cli-e2e.test-helper.js";

const work = mkdtempSync(join(tmpdir(), "vlmopt-e2e-providers-"));
const cacheDir = join(work, "cache");
const KEY = "sk-e2e-PLANTED-KEY-0123456789";

// Logs every vendor SDK module that gets resolved, one line on stderr each.
const hookFile = join(work, "sdk-hook.mjs");
writeFileSync(
  hookFile,
  `import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent(\`
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (/@google\\\\/genai|client-bedrock-runtime/.test(r.url)) console.error("SDK-LOADED " + r.url);
  return r;
}\`));
`,
);

function vlmopt(args: string[], env: Record<string, string> = {}, hook = false): Promise<CliResult> {
  return runCli(work, args, env, hook ? ["--import", pathToFileURL(hookFile).href] : []);
}

const common = [...DEMO_ARGS, "--cache-dir", cacheDir];
const hillClimb = ["--strategy", "hill-climb", "--iterations", "2", "--param", "poolSize=8", "--no-test"];

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

interface Case extends StandInCase {
  protocol: string;
}

const presets = ["openrouter", "groq", "together", "deepseek", "mistral", "fireworks"].map(
  (name): Case => ({
    spec: `${name}:some-model`,
    start: () => startFakeLlmServer({ requireApiKey: KEY }),
    baseURL: (s) => s.openaiBaseURL,
    env: { [`${name.toUpperCase()}_API_KEY`]: KEY },
    protocol: "openai",
  }),
);

const cases: Case[] = [
  ...presets,
  { ...geminiCase(KEY, "google:gemini-2.5-flash"), protocol: "gemini" },
  {
    spec: "azure-openai:my-deployment",
    start: () => startAzureOpenAIStandIn({ requireApiKey: KEY }),
    baseURL: (s) => s.url,
    env: { AZURE_OPENAI_API_KEY: KEY },
    protocol: "azure-openai",
  },
  {
    spec: "bedrock:anthropic.claude-3-5-haiku-20241022-v1:0",
    start: () => startBedrockStandIn({ requireApiKey: "AKIAE2ETESTKEY" }),
    baseURL: (s) => s.url,
    env: { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "AKIAE2ETESTKEY", AWS_SECRET_ACCESS_KEY: KEY },
    protocol: "bedrock",
  },
];

describe("vlmopt optimize with each issue-#20 provider against its stand-in", () => {
  beforeAll(() => {
    ensureCliBuilt();
  });

  for (const c of cases) {
    describe(c.spec, () => {
      let server: FakeLlmServer;
      beforeAll(async () => {
        server = await c.start();
      });
      afterAll(() => server.close());

      it("runs end to end; every LLM call reached the stand-in; the key is written nowhere", async () => {
        const runDir = `runs/${c.spec.split(":")[0]}`;
        const r = await vlmopt(
          [
            "optimize",
            ...common,
            "--llm",
            c.spec,
            "--llm-base-url",
            c.baseURL(server),
            ...hillClimb,
            "--run-dir",
            runDir,
          ],
          c.env,
        );
        expect(r.stderr).not.toMatch(/^error/m);
        expect(r.code).toBe(0);
        const results = JSON.parse(readFileSync(join(work, runDir, "results.json"), "utf8"));
        expect(results.stop).toEqual({ kind: "completed" });
        expect(results.usage.llmCalls).toBeGreaterThan(0);
        expect(server.requests.length).toBeGreaterThanOrEqual(results.usage.llmCalls);
        for (const req of server.requests) expect(req.protocol).toBe(c.protocol);
        for (const f of [...filesUnder(join(work, runDir)), ...filesUnder(cacheDir)]) {
          expect(readFileSync(f, "utf8")).not.toContain(KEY);
        }
        expect(r.stdout + r.stderr).not.toContain(KEY);
      });
    });
  }

  it("optimize --dry-run prices google:gemini-2.5-flash without a key or a request", async () => {
    const r = await vlmopt([
      "optimize",
      ...common,
      ...hillClimb,
      "--llm",
      "google:gemini-2.5-flash",
      "--dry-run",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const estimate = JSON.parse(r.stdout);
    expect(estimate.price).toMatchObject({ inputPerMTok: 0.3, outputPerMTok: 2.5 });
    expect(estimate.costUsd).toBeGreaterThan(0);
  });

  it("a missing key is one clear error before any work", async () => {
    const r = await vlmopt([
      "optimize",
      ...common,
      ...hillClimb,
      "--llm",
      "groq:llama-3.3-70b-versatile",
      "--run-dir",
      "runs/nokey",
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^error: GROQ_API_KEY is not set/m);
    expect(existsSync(join(work, "runs/nokey"))).toBe(false);
  });

  it("vlmopt --help and a simulated run load no vendor SDK; a google: run loads @google/genai only", async () => {
    const help = await vlmopt(["--help"], {}, true);
    expect(help.code).toBe(0);
    expect(help.stderr).not.toContain("SDK-LOADED");
    const sim = await vlmopt(
      ["optimize", ...common, "--llm", "simulated", ...hillClimb, "--run-dir", "runs/sim"],
      {},
      true,
    );
    expect(sim.code).toBe(0);
    expect(sim.stderr).not.toContain("SDK-LOADED");
    const gemini = await geminiCase(KEY, "google:gemini-2.5-flash").start();
    try {
      const g = await vlmopt(
        [
          "optimize",
          ...common,
          "--llm",
          "google:gemini-2.5-flash",
          "--llm-base-url",
          gemini.url,
          ...hillClimb,
          "--run-dir",
          "runs/g2",
          "--no-llm-cache",
        ],
        { GEMINI_API_KEY: KEY },
        true,
      );
      expect(g.code).toBe(0);
      expect(g.stderr).toMatch(/SDK-LOADED .*@google\/genai/);
      expect(g.stderr).not.toMatch(/SDK-LOADED .*client-bedrock-runtime/);
    } finally {
      await gemini.close();
    }
  });
});
