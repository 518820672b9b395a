import { describe, expect, it } from "vitest";
import { SuiteBudget } from "./suite-budget.js";

describe("SuiteBudget", () => {
  it("without a cap gives every run the per-run cap", async () => {
    const b = new SuiteBudget(null, 2);
    expect(await b.reserve()).toEqual({ maxUsd: 2 });
    expect(await b.reserve()).toEqual({ maxUsd: 2 });
  });
  it("reserves at most what is left, so parallel runs can never exceed the cap", async () => {
    const b = new SuiteBudget(5, 2);
    const r1 = await b.reserve();
    const r2 = await b.reserve();
    const r3 = await b.reserve();
    expect([r1, r2, r3]).toEqual([{ maxUsd: 2 }, { maxUsd: 2 }, { maxUsd: 1 }]);
    expect(b.tryReserve()).toBe("wait");
    b.settle(r1 as { maxUsd: number }, 0.5);
    expect(b.spentUsd).toBe(0.5);
    expect(await b.reserve()).toEqual({ maxUsd: 1.5 });
  });
  it("is exhausted once the spent sum reaches the cap, counting earlier invocations", async () => {
    const b = new SuiteBudget(1, null);
    b.addSpent(0.4);
    const r = await b.reserve();
    expect(r).toEqual({ maxUsd: expect.closeTo(0.6, 12) });
    b.settle(r as { maxUsd: number }, 0.6);
    expect(await b.reserve()).toBe("exhausted");
  });
  it("wakes a waiting run when another settles", async () => {
    const b = new SuiteBudget(1, 1);
    const r1 = await b.reserve();
    const waiting = b.reserve();
    b.settle(r1 as { maxUsd: number }, 0.25);
    expect(await waiting).toEqual({ maxUsd: 0.75 });
  });
  it("rejects a negative cap", () => {
    expect(() => new SuiteBudget(-1, null)).toThrow(/--budget-usd-suite/);
  });
});
