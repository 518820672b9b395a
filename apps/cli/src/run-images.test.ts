import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tinyPng } from "@vlmopt/core/testing";
import { createRegistry } from "@vlmopt/registry";
import { describe, expect, it } from "vitest";
import { fakeRegistry } from "./fake-registry.js";
import { memoryIo } from "./io.js";
import { run } from "./main.js";

const real = createRegistry();
/** Test doubles for the model, strategy and LLM; the real dataset loader and image check. */
const registry = () =>
  fakeRegistry({
    resolveDataset: real.resolveDataset,
    listDatasets: real.listDatasets,
    checkImages: real.checkImages,
  });

/** A manifest (path,label,split) of real PNGs; test/dog-1.png is a truncated file. */
function setup(): { cwd: string; manifest: string; corrupt: string } {
  const cwd = mkdtempSync(join(tmpdir(), "vlmopt-cli-images-"));
  const dir = join(cwd, "pets");
  mkdirSync(dir, { recursive: true });
  const rows = ["path,label,split"];
  let shade = 0;
  for (const split of ["train", "val", "test"]) {
    for (const label of ["cat", "dog"]) {
      for (let i = 0; i < 2; i++) {
        const file = `${split}-${label}-${i}.png`;
        writeFileSync(join(dir, file), tinyPng(shade++ * 10));
        rows.push(`${file},${label},${split}`);
      }
    }
  }
  const corrupt = join(dir, "test-dog-1.png");
  writeFileSync(corrupt, tinyPng(7).subarray(0, 30)); // cut inside the image data
  const manifest = join(dir, "pets.csv");
  writeFileSync(manifest, `${rows.join("\n")}\n`);
  return { cwd, manifest, corrupt };
}

const args = (manifest: string) => [
  "optimize",
  "--dataset",
  `manifest:${manifest}`,
  "--data-root",
  ".",
  "--model",
  "random:tiny",
  "--strategy",
  "toy",
  "--llm",
  "scripted",
  "--iterations",
  "1",
  "--run-dir",
  "r",
];

describe("images are checked before any LLM call", () => {
  it("a corrupt test image stops the run before the first LLM call, and the error names its file", async () => {
    const { cwd, manifest, corrupt } = setup();
    const io = memoryIo({ cwd });
    const reg = registry();
    const code = await run(args(manifest), io, reg);
    expect(code).toBe(1);
    expect(reg.llmCalls()).toBe(0);
    expect(io.errText).toContain(`Image ${corrupt} (test) cannot be decoded`);
    expect(io.errText).not.toMatch(/image #\d/);
    expect(existsSync(join(cwd, "r"))).toBe(false);
  });

  it("with --no-test the test split is not used, so it is not checked: the run goes ahead", async () => {
    const { cwd, manifest } = setup();
    const io = memoryIo({ cwd });
    const reg = registry();
    const code = await run([...args(manifest), "--no-test"], io, reg);
    expect(io.errText).not.toMatch(/^error/m);
    expect(code).toBe(0);
    expect(reg.llmCalls()).toBe(1);
  });
});
