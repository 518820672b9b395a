/**
 * A user's plugin package, outside the workspace: generated in a temp dir with its own
 * node_modules (zod and @vlmopt/registry linked in, as a user's install would have them), it
 * registers a strategy and an LLM provider with the one documented call (registerPlugin), and the
 * built CLI runs `optimize` with them end to end, offline, on the embedded demo and random:tiny.
 */
import { execFile, execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const cliDir = resolve(here, "..");
const repoRoot = resolve(cliDir, "../..");
const BIN = join(cliDir, "dist/bin.js");

const work = mkdtempSync(join(tmpdir(), "vlmopt-plugin-user-"));
const cacheDir = join(work, "cache");

/** The plugin package: one file, no build step; ESM-only exports (no "require" condition). */
const PLUGIN_INDEX = `import { registerPlugin } from "@vlmopt/registry";
import { z } from "zod";

const echo = {
  specificationVersion: "v1",
  kind: "llm-provider",
  prefixes: ["echo"],
  help: [{ form: "echo:<word>", description: "replies with templates built from <word>" }],
  parse: (rest) => ({ word: rest || "plain" }),
  price: () => ({ inputPerMTok: 0, outputPerMTok: 0 }),
  cacheable: () => false,
  create: ({ word }) => {
    let calls = 0;
    return {
      specificationVersion: "v1",
      provider: "echo",
      modelId: "echo-" + word,
      price: { inputPerMTok: 0, outputPerMTok: 0 },
      async generate(request) {
        calls++;
        const text = "a " + word + " photo " + calls + " of a {}.\\na " + word + " picture " + calls + " of a {}.";
        return { texts: Array.from({ length: request.n ?? 1 }, () => text), usage: { inputTokens: 10, outputTokens: 10, costUsd: 0 } };
      },
    };
  },
};

const twoStep = {
  specificationVersion: "v1",
  kind: "strategy",
  name: "two-step",
  description: "scores one template, then asks the LLM \`steps\` times",
  params: z.object({ steps: z.number().int().min(1).max(5).default(1).describe("LLM steps after the first template") }),
  create: (params) => ({
    specificationVersion: "v1",
    name: "two-step",
    params,
    ask(ctx) {
      if (ctx.step === 0) return { kind: "templates", templates: ["a photo of a {}."], label: "pool" };
      if (ctx.step > params.steps) return null;
      return {
        kind: "llm",
        label: "step " + ctx.step,
        request: { messages: [{ role: "user", content: "best so far: " + ctx.history.map((h) => h.template).join(" | ") }] },
        parse: (texts) => texts.flatMap((t) => t.split("\\n")).filter((l) => l.includes("{}")),
      };
    },
    tell() {},
  }),
};

registerPlugin(echo, twoStep);
`;

function writePluginPackage(): void {
  const pkg = join(work, "node_modules", "vlmopt-plugin-echo");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, "package.json"),
    JSON.stringify({
      name: "vlmopt-plugin-echo",
      version: "1.0.0",
      type: "module",
      exports: { ".": { import: "./index.js" } },
      peerDependencies: { "@vlmopt/registry": "*", zod: "^4" },
    }),
  );
  writeFileSync(join(pkg, "index.js"), PLUGIN_INDEX);
  // What installing the peers would give the user's project.
  mkdirSync(join(work, "node_modules", "@vlmopt"), { recursive: true });
  symlinkSync(join(repoRoot, "packages/registry"), join(work, "node_modules/@vlmopt/registry"), "dir");
  symlinkSync(dirname(createRequire(import.meta.url).resolve("zod")), join(work, "node_modules/zod"), "dir");
  writeFileSync(join(work, "package.json"), JSON.stringify({ name: "user-project", private: true }));
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function vlmopt(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: work, env: { PATH: process.env.PATH ?? "", HOME: work, ...env }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const common = ["--dataset", "demo", "--shots", "1", "--model", "random:tiny", "--cache-dir", cacheDir];

describe("an out-of-tree plugin package (outside the workspace)", () => {
  beforeAll(() => {
    if (!existsSync(BIN) || !existsSync(join(repoRoot, "packages/registry/dist/index.js"))) {
      execFileSync("npx", ["turbo", "run", "build", "--filter=@vlmopt/cli", "--output-logs=errors-only"], {
        cwd: repoRoot,
        env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
        stdio: "inherit",
      });
    }
    writePluginPackage();
  });

  it("registers a strategy and an LLM provider; optimize runs them end to end", async () => {
    const r = await vlmopt([
      "optimize",
      ...common,
      "--plugin",
      "vlmopt-plugin-echo",
      "--llm",
      "echo:aerial",
      "--strategy",
      "two-step",
      "--param",
      "steps=2",
      "--test-limit",
      "20",
      "--out",
      "runs",
    ]);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const [runName] = readdirSync(join(work, "runs"));
    const dir = join(work, "runs", runName as string);
    const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
    expect(results.stop).toEqual({ kind: "completed" });
    const templates: string[] = results.history.map((h: { template: string }) => h.template);
    expect(templates).toEqual(
      expect.arrayContaining([
        "a photo of a {}.",
        "a aerial photo 1 of a {}.",
        "a aerial picture 2 of a {}.",
      ]),
    );
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(manifest.options).toMatchObject({
      llm: "echo:aerial",
      strategy: "two-step",
      plugins: ["vlmopt-plugin-echo"],
    });
  });

  it("lists the plugin's strategy with its schema's parameters (VLMOPT_PLUGIN), and reports a bad value", async () => {
    const list = await vlmopt(["strategies", "list", "--json"], { VLMOPT_PLUGIN: "vlmopt-plugin-echo" });
    expect(list.code).toBe(0);
    const twoStep = JSON.parse(list.stdout).find((s: { name: string }) => s.name === "two-step");
    expect(twoStep.params).toEqual([
      { name: "steps", default: 1, description: "LLM steps after the first template" },
    ]);
    const bad = await vlmopt([
      "optimize",
      ...common,
      "--plugin",
      "vlmopt-plugin-echo",
      "--llm",
      "echo:x",
      "--strategy",
      "two-step",
      "--param",
      "steps=9",
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'strategy "two-step" parameter "steps" is 9; valid values: a whole number from 1 to 5',
    );
  });

  it("a plugin module that cannot be found is one clear error", async () => {
    const r = await vlmopt(["strategies", "list", "--plugin", "vlmopt-plugin-missing"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/plugin "vlmopt-plugin-missing": cannot find package "vlmopt-plugin-missing"/);
  });
});
