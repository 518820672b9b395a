import { describe, expect, it } from "vitest";
import { mapLimit } from "./concurrency.js";

describe("mapLimit", () => {
  it("keeps input order with at most `limit` calls in flight", async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([1, 2, 3, 4, 5], 3, async (x, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
      return `${i}:${x}`;
    });
    expect(out).toEqual(["0:1", "1:2", "2:3", "3:4", "4:5"]);
    expect(peak).toBe(3);
  });

  it("starts no call once the signal is aborted", async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const call = mapLimit(
      [0, 1, 2, 3],
      1,
      async (x) => {
        seen.push(x);
        if (x === 1) controller.abort();
        return x;
      },
      controller.signal,
    );
    await expect(call).rejects.toThrow(/abort/i);
    expect(seen).toEqual([0, 1]);
  });
});
