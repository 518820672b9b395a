import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ScriptedLlm, tinyPng } from "@vlmopt/core/testing";
import { createRegistry } from "@vlmopt/registry";
import { describe, expect, it } from "vitest";
import { fakeRegistry, writeToyDataset } from "./fake-registry.js";
import { memoryIo } from "./io.js";
import { run } from "./main.js";

function setup() {
  const cwd = mkdtempSync(join(tmpdir(), "vlmopt-cli-stops-"));
  writeToyDataset(join(cwd, "data"));
  return cwd;
}

const base = ["--dataset", "toy", "--data-root", "data", "--model", "random:tiny", "--strategy", "toy"];
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

describe("a run whose LLM never gives a usable template", () => {
  it("ends with stop no-usable-template, a WARNING in the summary and exit code 4", async () => {
    const cwd = setup();
    const llm = new ScriptedLlm({
      replies: ["I am sorry, I cannot help with that."],
      whenExhausted: "repeat-last",
    });
    const registry = fakeRegistry({ resolveLlm: async () => llm });
    const io = memoryIo({ cwd });
    const code = await run(
      ["optimize", ...base, "--llm", "scripted", "--iterations", "2", "--run-dir", "r"],
      io,
      registry,
    );
    expect(code).toBe(4);
    expect(llm.calls).toHaveLength(2);
    const results = readJson(join(cwd, "r/results.json"));
    expect(results.stop).toEqual({ kind: "no-usable-template", llmCalls: 2 });
    expect(io.outText).toContain("Stop: no-usable-template");
    expect(io.outText).toMatch(/WARNING: the LLM never produced a usable template in 2 calls/);
    expect(io.errText).toContain("no usable template");
    // the pool's templates were still scored and chosen, and the report says why the run stopped
    expect(results.chosen.templates).toHaveLength(1);
    expect(readFileSync(join(cwd, "r/report.md"), "utf8")).toContain("no usable template");
  });

  it("a run whose LLM gives templates still completes with exit code 0", async () => {
    const cwd = setup();
    const io = memoryIo({ cwd });
    const code = await run(
      ["optimize", ...base, "--llm", "scripted", "--iterations", "1", "--run-dir", "r"],
      io,
      fakeRegistry(),
    );
    expect(code).toBe(0);
    expect(readJson(join(cwd, "r/results.json")).stop).toEqual({ kind: "completed" });
  });
});

describe("--iterations 0", () => {
  for (const args of [
    ["--iterations", "0"],
    ["--param", "iterations=0"],
  ]) {
    it(`${args.join(" ")} is a usage error (exit 2) and nothing is written`, async () => {
      const cwd = setup();
      const io = memoryIo({ cwd });
      const registry = fakeRegistry();
      const code = await run(
        ["optimize", ...base, "--llm", "scripted", ...args, "--run-dir", "r"],
        io,
        registry,
      );
      expect(code).toBe(2);
      expect(io.errText).toContain("--iterations 0 would run no optimization step");
      expect(existsSync(join(cwd, "r"))).toBe(false);
      expect(registry.llmCalls()).toBe(0);
    });
  }
});

/** An image folder: "cat" with 4 images (2 go to train), "dog" with 8 (4 to train). */
function writeFolder(cwd: string): string {
  const dir = join(cwd, "pets");
  for (const [name, count] of [
    ["cat", 4],
    ["dog", 8],
  ] as const) {
    mkdirSync(join(dir, name), { recursive: true });
    for (let i = 0; i < count; i++)
      writeFileSync(join(dir, name, `${i}.png`), tinyPng(name === "cat" ? i : 100 + i));
  }
  return dir;
}

describe("--fewshot-source sample --shots K on a class with fewer than K training images", () => {
  const real = createRegistry();
  const registry = () =>
    fakeRegistry({ resolveDataset: real.resolveDataset, listDatasets: real.listDatasets });
  const args = (dir: string) => [
    "optimize",
    "--dataset",
    `folder:${dir}`,
    "--data-root",
    "data",
    "--model",
    "random:tiny",
    "--strategy",
    "toy",
    "--llm",
    "scripted",
    "--iterations",
    "1",
    "--fewshot-source",
    "sample",
    "--shots",
    "4",
    "--run-dir",
    "r",
  ];

  it("is an error that names the class and --allow-fewer-shots; nothing is written", async () => {
    const cwd = setup();
    const dir = writeFolder(cwd);
    const io = memoryIo({ cwd });
    const reg = registry();
    const code = await run(args(dir), io, reg);
    expect(code).toBe(1);
    expect(io.errText).toContain('"cat" has 2');
    expect(io.errText).toContain("--allow-fewer-shots");
    expect(io.errText).toContain("Lower --shots to 2");
    expect(readdirSync(cwd).sort()).toEqual(["data", "pets"]);
    expect(reg.llmCalls()).toBe(0);
  });

  it("with --allow-fewer-shots runs, warns, and the manifest records the K used (2), not 4", async () => {
    const cwd = setup();
    const dir = writeFolder(cwd);
    const io = memoryIo({ cwd });
    const code = await run([...args(dir), "--allow-fewer-shots"], io, registry());
    expect(io.errText).not.toMatch(/^error/m);
    expect(code).toBe(0);
    expect(io.errText).toContain("warning: --shots 4 asked for more training images than some class has");
    const manifest = readJson(join(cwd, "r/manifest.json"));
    expect(manifest.dataset.shots).toBe(2);
    expect(manifest.dataset.shotsRequested).toBe(4);
    expect(manifest.dataset.counts.train).toBe(6);
    expect(manifest.options.allowFewerShots).toBe(true);
  });
});
