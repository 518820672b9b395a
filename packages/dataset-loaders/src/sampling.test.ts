import { ConfigError } from "@vlmopt/core";
import { describe, expect, it } from "vitest";
import { sampleFewShot, splitDataset } from "./sampling.js";

const items = Array.from({ length: 60 }, (_, i) => ({
  path: `/d/c${i % 3}/img_${String(i).padStart(3, "0")}.jpg`,
  label: i % 3,
}));

describe("sampleFewShot", () => {
  it("takes K per class, is deterministic, and ignores input order", () => {
    const a = sampleFewShot(items, 4, 7);
    expect(a).toHaveLength(12);
    expect(a.map((i) => i.label)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(sampleFewShot([...items].reverse(), 4, 7)).toEqual(a);
    expect(sampleFewShot(items, 4, 8)).not.toEqual(a);
  });

  it("takes all of a class with fewer than K images and rejects bad K", () => {
    expect(sampleFewShot(items.slice(0, 4), 16, 1)).toHaveLength(4);
    expect(() => sampleFewShot(items, -1, 1)).toThrow(ConfigError);
  });
});

describe("splitDataset", () => {
  it("makes a stratified, seeded 50/20/30 split by default with no overlap", () => {
    const s = splitDataset(items, { seed: 3 });
    expect([s.train.length, s.val.length, s.test.length]).toEqual([30, 12, 18]);
    const paths = [...s.train, ...s.val, ...s.test].map((i) => i.path);
    expect(new Set(paths).size).toBe(60);
    expect(splitDataset([...items].reverse(), { seed: 3 })).toEqual(s);
    expect(splitDataset(items, { seed: 4 }).test).not.toEqual(s.test);
  });

  it("keeps at least one training image per class and validates fractions", () => {
    const s = splitDataset([{ path: "a", label: 0 }], { val: 0.4, test: 0.5 });
    expect(s.train).toHaveLength(1);
    expect(() => splitDataset(items, { val: 0.6, test: 0.5 })).toThrow(/val=0.6, test=0.5/);
  });
});
