import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CandidateScorer, extractFeatures, MemoryEmbeddingCache, promptSet } from "@vlmopt/core";
import { describe, expect, it } from "vitest";
import { memoryIo } from "./io.js";
import { run } from "./main.js";
import { toyWiring, writeToyDataset } from "./test-doubles.js";

describe("vlmopt-bench packs <dir>", () => {
  it("scores every pack of a folder on its dataset's test split, as a direct CandidateScorer would", async () => {
    const root = mkdtempSync(join(tmpdir(), "bench-packs-"));
    writeToyDataset(root, "toy");
    const wiring = toyWiring();
    const ds = await wiring.resolveDataset("toy", { root, shots: 1, seed: 1 });
    const descriptions = Object.fromEntries(
      ds.classNames.map((c, i) => [c, [`a ${c} number ${i}`, `${c} texture`]]),
    );
    const base = {
      packVersion: 1,
      createdAt: "2026-12-01T00:00:00.000Z",
      dataset: { name: "toy", shots: 1, seed: 1, classNames: ds.classNames },
      backbone: { id: "test:hash", hash: "h" },
      run: { runId: "r", seed: 1, strategy: "cupl", llm: "scripted:x" },
      ensemble: false,
      scores: { train: null, val: null, test: 0.5 },
    };
    const dir = join(root, "packs");
    mkdirSync(dir);
    writeFileSync(join(dir, "a.json"), JSON.stringify({ ...base, prompts: [{ descriptions }] }));
    writeFileSync(
      join(dir, "b.json"),
      JSON.stringify({ ...base, prompts: [{ template: "a photo of a {}." }] }),
    );
    const { io, stdout } = memoryIo({}, root);
    expect(await run(["packs", dir, "--model", "x", "--data-root", root], io, { wiring })).toBe(0);
    const json = JSON.parse(stdout().trim().split("\n").pop() as string);
    const scorer = new CandidateScorer({ encoder: wiring.encoder, classNames: ds.classNames });
    const test = await extractFeatures(wiring.encoder, ds.splits.test, { cache: new MemoryEmbeddingCache() });
    const want = [
      scorer.score(await scorer.candidateEmbeddings(promptSet(descriptions)), test).accuracy,
      scorer.score(await scorer.candidateEmbeddings("a photo of a {}."), test).accuracy,
    ];
    expect(json.rows.map((r: { file: string; testAccuracy: number }) => [r.file, r.testAccuracy])).toEqual([
      ["a.json", want[0]],
      ["b.json", want[1]],
    ]);
    expect(json.rows[0].recordedTestAccuracy).toBe(0.5);

    const bad = { ...base, prompts: [{ descriptions: { ...descriptions, extra_class: ["x"] } }] };
    writeFileSync(join(dir, "c.json"), JSON.stringify(bad));
    const failed = memoryIo({}, root);
    expect(await run(["packs", dir, "--model", "x", "--data-root", root], failed.io, { wiring })).not.toBe(0);
    expect(failed.stderr()).toContain('"extra_class"');
  });
});
