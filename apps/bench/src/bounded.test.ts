import { describe, expect, it } from "vitest";
import { mapBounded } from "./bounded.js";

const tick = () => new Promise((r) => setTimeout(r, 2));

describe("mapBounded", () => {
  it("keeps item order and never runs more than the limit at once", async () => {
    let running = 0;
    let peak = 0;
    const out = await mapBounded([5, 4, 3, 2, 1, 0], 2, async (x, i) => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      running--;
      return x * 10 + i;
    });
    expect(out).toEqual([50, 41, 32, 23, 14, 5]);
    expect(peak).toBe(2);
  });

  it("starts nothing after a failure and rejects once the started tasks settle", async () => {
    const started: number[] = [];
    const settled: number[] = [];
    const call = mapBounded([0, 1, 2, 3, 4], 2, async (x) => {
      started.push(x);
      await tick();
      if (x === 0) throw new Error("task 0 failed");
      await tick();
      settled.push(x);
      return x;
    });
    await expect(call).rejects.toThrow("task 0 failed");
    expect(started).toEqual([0, 1]);
    expect(settled).toEqual([1]);
  });
});
