import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, templateProblem } from "@vlmopt/core";
import { describe, expect, it } from "vitest";
import { getPool, POOLS } from "./pools.js";

const SHARED = resolve(fileURLToPath(new URL("../../../../shared", import.meta.url)));
const hasShared = existsSync(resolve(SHARED, "templates/official_code_initial_pools.json"));
if (!hasShared) console.warn(`skipping official-pool tests: ${SHARED}/templates is absent`);

describe("pools", () => {
  it("ships valid templates in every generic pool", () => {
    expect(getPool("basic")).toEqual(["a photo of a {}."]);
    expect(getPool("imagenet80")).toHaveLength(80);
    const captions = getPool("captions");
    expect(captions).toHaveLength(80);
    expect(new Set(captions.map((t) => t.toLowerCase())).size).toBe(80);
    for (const t of [...captions, ...getPool("imagenet80")]) expect(templateProblem(t)).toBeNull();
    expect(getPool("none")).toEqual([]);
  });

  it("has per-dataset hand-engineered and CoOp templates for the 11 datasets", () => {
    const he = POOLS.find((p) => p.name === "hand-engineered");
    expect(he?.datasets).toHaveLength(11);
    expect(getPool("hand-engineered", "eurosat")).toHaveLength(3);
    expect(getPool("coop", "eurosat")).toEqual(["a centered satellite photo of {}."]);
    expect(getPool("coop", "imagenet")).toHaveLength(7);
  });

  it("names the valid choices when a pool or dataset is unknown", () => {
    expect(() => getPool("laion")).toThrow(/valid pools: basic, imagenet80/);
    expect(() => getPool("coop", "mnist")).toThrow(ConfigError);
    expect(() => getPool("coop")).toThrow(/\(none given\)/);
    expect(() => getPool("official:gpt4", undefined, { path: "/nonexistent/x.json" })).toThrow(/not found/);
  });

  it.skipIf(!hasShared)("reads the released code's pools from ../shared at run time", () => {
    expect(getPool("official:gpt4")).toHaveLength(80);
    expect(getPool("official:eurosat")).toHaveLength(80);
    expect(() => getPool("official:nope")).toThrow(/valid keys: handcrafted, gpt4/);
  });
});
