import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors.js";
import { JsonlRunStore } from "./jsonl-run-store.js";
import type { RunManifest } from "./run-manifest.js";
import { parseRunManifest, runManifestSchema } from "./run-manifest-schema.js";

const manifest: RunManifest = {
  manifestVersion: 1,
  runId: "r1",
  createdAt: "2026-01-01T00:00:00.000Z",
  versions: { "@vlmopt/core": "0.1.0" },
  model: { id: "random:tiny", hash: "abc", warning: "random weights" },
  llm: { provider: "simulated", modelId: "sim" },
  dataset: { name: "eurosat", shots: 1, seed: 1, counts: { train: 10, val: 10, test: 20 } },
  strategy: { name: "hill-climb", params: { k: 15, pool: null, anneal: false, mode: "pn" } },
  budget: { maxLlmCalls: 5 },
  seed: 1,
  options: { command: "optimize", dataRoot: "/data" },
};

describe("runManifestSchema", () => {
  it("reads back what a run writes, fields of a later version kept", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vlmopt-manifest-"));
    const store = new JsonlRunStore(dir);
    await store.writeManifest(manifest);
    expect(await store.readManifest()).toEqual(manifest);
    const later = { ...manifest, futureField: { x: 1 } };
    expect(parseRunManifest(later, "m.json")).toEqual(later);
    expect(await new JsonlRunStore(join(dir, "none")).readManifest()).toBeNull();
  });

  it("a bad manifest is one ConfigError naming the file and the field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vlmopt-manifest-bad-"));
    const bad = { ...manifest, dataset: { ...manifest.dataset, counts: { train: -1 } } };
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(bad));
    const error = await new JsonlRunStore(dir).readManifest().catch((e: unknown) => e);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `${join(dir, "manifest.json")}: field "dataset.counts.train" is invalid: Too small: expected number to be >=0`,
    );
    expect(() => parseRunManifest({ ...manifest, manifestVersion: 2 }, "x")).toThrow(
      /x: field "manifestVersion" is invalid/,
    );
    expect(() => parseRunManifest([], "x")).toThrow(/field "\(top level\)"/);
    expect(runManifestSchema.safeParse({ ...manifest, seed: 1.5 }).success).toBe(false);
  });
});
