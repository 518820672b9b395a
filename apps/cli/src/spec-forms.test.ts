import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, defineBackbone, defineLlmProvider } from "@vlmopt/core";
import { clearRegisteredPlugins, createRegistry, registerPlugin } from "@vlmopt/registry";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { memoryIo } from "./io.js";
import { run } from "./main.js";
import { specFormsOf } from "./spec-forms.js";

const outside = defineLlmProvider({
  specificationVersion: "v1",
  kind: "llm-provider",
  prefixes: ["outside-llm"],
  help: [{ form: "outside-llm:<model>", description: "an LLM registered from outside the workspace" }],
  parse: (rest) => ({ model: rest }),
  create: () => {
    throw new ConfigError("not used by these tests");
  },
});

const outsideBackbone = defineBackbone({
  specificationVersion: "v1",
  kind: "backbone",
  prefixes: ["outside-clip"],
  help: [{ form: "outside-clip:<name>", description: "a backbone registered from outside" }],
  parse: (rest) => ({ name: rest }),
  create: () => Promise.reject(new ConfigError("not used by these tests")),
});

const dir = mkdtempSync(join(tmpdir(), "vlmopt-spec-forms-"));
afterEach(() => clearRegisteredPlugins());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The help text of `optimize`, one line (help wraps long descriptions to the terminal width). */
async function optimizeHelp(args: string[] = [], env: Record<string, string> = {}): Promise<string> {
  const io = memoryIo({ cwd: dir, env });
  expect(await run(["optimize", "--help", ...args], io)).toBe(0);
  return io.outText.replace(/\s+/g, " ");
}

describe("--llm and --model help is generated from the registry entries", () => {
  it("lists every built-in LLM provider and backbone form, from the entries' help lines", async () => {
    const forms = specFormsOf(createRegistry());
    expect(forms["llm-provider"]).toEqual(
      expect.arrayContaining(["anthropic:<model>", "simulated[:<seed>]", "replay:<run-dir>", "groq:<model>"]),
    );
    expect(forms.backbone).toEqual(expect.arrayContaining(["<id>[@<dtype>]", "jina:<model>[?dimensions=N]"]));
    const help = await optimizeHelp();
    // Help wraps at spaces and at "|": compare without whitespace.
    const bare = (t: string) => t.replace(/\s+/g, "");
    for (const form of [...forms["llm-provider"], ...forms.backbone])
      expect(bare(help)).toContain(bare(form));
    expect(help).toMatch(/--llm <spec>\s+LLM spec: anthropic:<model>, openai:<model>/);
    expect(help).toMatch(/--model <spec>\s+CLIP model spec \(ids: vlmopt models list\): <id>\[@<dtype>\]/);
  });

  it("shows a provider and a backbone registered from outside (registerPlugin) with no edit to the app", async () => {
    expect(await optimizeHelp()).not.toContain("outside-llm:<model>");
    registerPlugin(outside, outsideBackbone);
    const help = await optimizeHelp();
    expect(help).toMatch(/--llm <spec>\s+LLM spec: [^\n]*outside-llm:<model>/);
    expect(help).toMatch(/--model <spec>\s+CLIP model spec [^\n]*outside-clip:<name>/);
    const viaHelpCommand = memoryIo({ cwd: dir });
    expect(await run(["help", "optimize"], viaHelpCommand)).toBe(0);
    expect(viaHelpCommand.outText.replace(/\s+/g, " ")).toContain("outside-llm:<model>");
  });

  it("shows the entries of a --plugin module, of VLMOPT_PLUGIN and of the config file's plugins", async () => {
    const file = join(dir, "my-plugin.mjs");
    writeFileSync(
      file,
      `export const plugins = [{ specificationVersion: "v1", kind: "llm-provider", prefixes: ["file-llm"],
        help: [{ form: "file-llm:<model>", description: "from a plugin file" }],
        parse: (rest) => ({ rest }), create: () => { throw new Error("unused"); } }];\n`,
    );
    expect(await optimizeHelp(["--plugin", file])).toContain("file-llm:<model>");
    expect(await optimizeHelp([], { VLMOPT_PLUGIN: file })).toContain("file-llm:<model>");
    // ... and of "plugins" in ./vlmopt.config.json, or in the file --config names.
    const sub = mkdtempSync(join(dir, "config-"));
    writeFileSync(join(sub, "vlmopt.config.json"), JSON.stringify({ plugins: [file] }));
    const inSub = memoryIo({ cwd: sub });
    expect(await run(["optimize", "--help"], inSub)).toBe(0);
    expect(inSub.outText).toContain("file-llm:<model>");
    writeFileSync(join(dir, "other.json"), JSON.stringify({ plugins: [file] }));
    expect(await optimizeHelp(["--config", join(dir, "other.json")])).toContain("file-llm:<model>");
    expect(await optimizeHelp()).not.toContain("file-llm:<model>");
    // A module that does not load leaves help printing the built-in forms.
    expect(await optimizeHelp(["--plugin", join(dir, "missing.mjs")])).toContain("anthropic:<model>");
  });
});
