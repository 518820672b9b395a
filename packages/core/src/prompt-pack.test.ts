import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors.js";
import { type PromptPack, promptPackJsonSchema, readPromptPack } from "./prompt-pack.js";

const classNames = ["Forest", "River"];
const pack: PromptPack = {
  packVersion: 1,
  createdAt: "2026-12-01T00:00:00.000Z",
  dataset: { name: "demo", shots: 1, seed: 1, classNames },
  backbone: { id: "random:tiny", hash: "ab", warning: "random weights — accuracy is meaningless" },
  run: { runId: "r", seed: 1, strategy: "waffle", llm: "simulated:x" },
  ensemble: false,
  prompts: [{ descriptions: { River: ["a river."], Forest: ["a forest.", "trees"] } }, { template: "a {}" }],
  scores: { train: 0.5, val: null, test: 0.25 },
};

describe("prompt packs", () => {
  it("the committed JSON Schema is the one generated from the zod schema", () => {
    const committed = JSON.parse(
      readFileSync(new URL("../prompt-pack.schema.json", import.meta.url), "utf8"),
    );
    expect(committed).toEqual(promptPackJsonSchema());
  });

  it("reads a pack into candidates of both kinds", () => {
    const { candidates } = readPromptPack(JSON.stringify(pack), "p.json", classNames);
    expect(candidates[1]).toBe("a {}");
    expect(candidates[0]).toEqual({
      kind: "prompt-set",
      prompts: { Forest: ["a forest.", "trees"], River: ["a river."] },
    });
  });

  it("names schema problems and class mismatches in one ConfigError", () => {
    const bad = { ...pack, prompts: [{ descriptions: { Forrest: ["x"], Lake: ["y"] } }] };
    expect(() => readPromptPack(JSON.stringify(bad), "p.json", classNames)).toThrow(
      /p\.json prompts\[0\]\.descriptions.*"Forrest" \(meant "Forest"\?\).*missing: "River".*"Lake"/,
    );
    expect(() => readPromptPack(JSON.stringify({ ...pack, packVersion: 2 }), "p.json", classNames)).toThrow(
      ConfigError,
    );
    expect(() => readPromptPack("{", "p.json", classNames)).toThrow(/not valid JSON/);
  });
});
