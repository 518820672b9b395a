import { describe, expect, it } from "vitest";
import { createLimiter } from "./concurrency.js";

describe("createLimiter", () => {
  it("never runs more than `limit` tasks at once and runs them all", async () => {
    const limiter = createLimiter(2);
    let running = 0;
    let peak = 0;
    const task = (i: number) =>
      limiter.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 2));
        running--;
        return i;
      });
    const results = await Promise.all(Array.from({ length: 7 }, (_, i) => task(i)));
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(peak).toBe(2);
    expect(limiter.active).toBe(0);
  });

  it("frees the slot when a task fails", async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error("x")))).rejects.toThrow("x");
    expect(await limiter.run(async () => 1)).toBe(1);
  });

  it("rejects a bad limit", () => {
    expect(() => createLimiter(0)).toThrow(/whole number/);
  });
});
