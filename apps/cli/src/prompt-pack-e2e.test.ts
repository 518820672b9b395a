/**
 * The class-specific strategies and prompt packs as a user runs them: `node apps/cli/dist/bin.js`
 * on the embedded demo (EuroSAT subset) with the tiny random-weight CLIP model and the simulated
 * LLM, offline. Needs a build (the root `pnpm test` builds first).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const BIN = join(resolve(dirname(fileURLToPath(import.meta.url)), ".."), "dist/bin.js");
const work = mkdtempSync(join(tmpdir(), "vlmopt-pack-"));
const common = [
  "--dataset",
  "demo",
  "--shots",
  "1",
  "--seed",
  "1",
  "--model",
  "random:tiny",
  "--cache-dir",
  join(work, "cache"),
];

function vlmopt(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: work, env: { PATH: process.env.PATH ?? "", HOME: work }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function optimizeWith(strategy: string, params: string[]): Promise<string> {
  const out = join(work, `runs-${strategy}`);
  const r = await vlmopt([
    "optimize",
    ...common,
    "--strategy",
    strategy,
    "--llm",
    "simulated",
    "--out",
    out,
    ...params,
  ]);
  expect(r.stderr).not.toMatch(/^error/m);
  expect(r.code).toBe(0);
  return join(out, readdirSync(out)[0] as string);
}

describe("class-specific strategies and prompt packs (subprocess, demo, offline)", () => {
  for (const [strategy, params] of [
    ["waffle", ["--param", "sets=2", "--param", "descriptors=3"]],
    ["dclip", ["--param", "classesPerCall=4"]],
    ["cupl", ["--param", "classesPerCall=5", "--param", "descriptionsPerClass=3"]],
    ["hill-climb-descriptions", ["--iterations", "2"]],
  ] as const) {
    it(`${strategy} runs end to end and chooses a per-class prompt set`, async () => {
      const dir = await optimizeWith(strategy, [...params]);
      const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
      expect(results.chosen.prompts?.[0]).toBeTruthy();
      expect(Object.keys(results.chosen.prompts[0])).toEqual(results.classNames);
    }, 120_000);
  }

  it("export then eval --prompts gives the run's own test accuracy; a misspelt pack is one error", async () => {
    const dir = await optimizeWith("waffle", ["--param", "sets=1", "--param", "descriptors=2"]);
    const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
    const packPath = join(work, "pack.json");
    const exported = await vlmopt(["export", dir, "--pack-out", packPath]);
    expect(exported.code).toBe(0);
    const pack = JSON.parse(readFileSync(packPath, "utf8"));
    expect(pack.dataset).toMatchObject({ name: "demo", shots: 1, seed: 1 });
    expect(pack.backbone.id).toBe("random:tiny");
    expect(pack.scores.test).toBe(results.chosen.testAccuracy);
    const evaluated = await vlmopt(["eval", ...common, "--split", "test", "--prompts", packPath, "--json"]);
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.stdout).pack.accuracy).toBe(results.chosen.testAccuracy);

    const descriptions = pack.prompts[0].descriptions as Record<string, string[]>;
    const [first, second] = Object.keys(descriptions);
    const broken = { ...descriptions, [`${first}x`]: descriptions[first as string] };
    delete broken[first as string];
    delete broken[second as string];
    writeFileSync(join(work, "bad.json"), JSON.stringify({ ...pack, prompts: [{ descriptions: broken }] }));
    const bad = await vlmopt(["eval", ...common, "--split", "test", "--prompts", join(work, "bad.json")]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain(`"${first}x" (meant "${first}"?)`);
    expect(bad.stderr).toContain(`missing: "${second}"`);
  }, 120_000);
});
