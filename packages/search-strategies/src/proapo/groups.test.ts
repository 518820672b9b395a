import { describe, expect, it } from "vitest";
import { classGroups } from "./groups.js";

const pair = (actual: number, predicted: number, count: number, share: number) => ({
  actual,
  predicted,
  count,
  share,
});

describe("ProAPO group sampling", () => {
  const details = {
    perClass: [0, 0.5, 1, 0.5, 1, 1],
    confused: [pair(0, 2, 3, 0.75), pair(0, 4, 1, 0.25), pair(1, 5, 1, 0.5), pair(3, 0, 1, 0.02)],
    crossEntropy: 1,
  };

  it("opens a group at each ungrouped class, worst first, with the classes it is mistaken for", () => {
    expect(classGroups([0, 1, 3, 2, 4, 5], details, 0.04, 100)).toEqual([[0, 2, 4], [1, 5], [3]]);
  });

  it("leaves out partners below the confusion share and stops after maxConsidered classes", () => {
    expect(classGroups([0, 1, 3, 2, 4, 5], details, 0.3, 100)).toEqual([[0, 2], [1, 5], [3], [4]]);
    expect(classGroups([0, 1, 3, 2, 4, 5], details, 0.04, 3)).toEqual([[0, 2, 4]]);
  });
});
