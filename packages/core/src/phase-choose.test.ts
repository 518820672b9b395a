import { describe, expect, it } from "vitest";
import { choose, scoreChoice } from "./phase-choose.js";
import { knownTask } from "./phase-fixtures.js";
import type { ScoredTemplate } from "./search-strategy.js";

const scored = (
  id: number,
  template: string,
  trainAccuracy: number,
  valAccuracy: number | null,
): ScoredTemplate => ({
  id,
  template,
  trainAccuracy,
  valAccuracy,
  step: 0,
  source: "pool",
});
const history = [
  scored(0, "bad {}", 0.1, 0.2),
  scored(1, "good {}", 0.9, 0.8),
  scored(2, "plain {}", 0.5, 0.4),
];

describe("choose phase", () => {
  it("chooses nothing when nothing was scored", () => {
    expect(choose([], 3)).toBeNull();
  });

  it("chooses the best template by train accuracy, keeping its scores", async () => {
    const choice = choose(history, 1);
    expect(choice).toMatchObject({
      templates: ["good {}"],
      ensemble: false,
      trainAccuracy: 0.9,
      valAccuracy: 0.8,
    });
    const { scorer, split } = knownTask();
    const splits = { train: split([0, 1]), val: split([1]) };
    await scoreChoice(choice as NonNullable<typeof choice>, scorer, async (s) => splits[s], true);
    // A single template is not re-scored.
    expect(choice).toMatchObject({ trainAccuracy: 0.9, valAccuracy: 0.8 });
  });

  it("scores a top-k ensemble anew on train and validation", async () => {
    const choice = choose(history, 2);
    expect(choice).toMatchObject({ templates: ["good {}", "plain {}"], ensemble: true, trainAccuracy: 0.9 });
    const { scorer, split, encoder } = knownTask();
    const splits = { train: split([0, 1, 1]), val: split([0]) };
    const read: string[] = [];
    const c = choice as NonNullable<typeof choice>;
    const classes = await scoreChoice(
      c,
      scorer,
      async (s) => {
        read.push(s);
        return splits[s];
      },
      false,
    );
    expect(read).toEqual(["train"]);
    expect(classes.count).toBe(2);
    expect(encoder.textsEncoded).toBe(4);
    expect(c.valAccuracy).toBeNull();
    // The ensemble's own train accuracy, whatever it is, replaces the best template's 0.9.
    expect(c.trainAccuracy).toBe(scorer.score(classes, splits.train).accuracy);
    expect(c.trainAccuracy).not.toBe(0.9);
  });
});
