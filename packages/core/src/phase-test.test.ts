import { describe, expect, it } from "vitest";
import type { SplitName } from "./dataset.js";
import { knownTask } from "./phase-fixtures.js";
import { type BaselineResult, DEFAULT_BASELINE_TEMPLATE, scoreBaselines, testChoice } from "./phase-test.js";
import type { ScoredTemplate } from "./search-strategy.js";

describe("test phase", () => {
  it("scores the chosen class embeddings on the test split, per class, with the most frequent mistakes", async () => {
    const { scorer, split } = knownTask();
    const good = await scorer.classEmbeddings("good {}");
    const bad = await scorer.classEmbeddings("bad {}");
    const test = split([0, 0, 1]);
    expect(testChoice(good, scorer, test, 2).test).toMatchObject({ accuracy: 1, perClass: [1, 1] });
    const wrong = testChoice(bad, scorer, test, 2);
    expect(wrong.test).toMatchObject({ accuracy: 0, perClass: [0, 0] });
    expect(wrong.confused[0]).toMatchObject({ count: 2 });
  });

  it("scores the default template and the best pool template, reusing known train/val scores", async () => {
    const { scorer, split, encoder } = knownTask();
    const splits: Record<SplitName, ReturnType<typeof split>> = {
      train: split([0, 1]),
      val: split([1, 0]),
      test: split([0, 1, 1]),
    };
    const read: SplitName[] = [];
    const history: ScoredTemplate[] = [
      { id: 0, template: "bad {}", trainAccuracy: 0.3, valAccuracy: 0.4, step: 0, source: "pool" },
      { id: 1, template: "good {}", trainAccuracy: 0.7, valAccuracy: 0.6, step: 0, source: "pool" },
      { id: 2, template: "good photo {}", trainAccuracy: 0.99, valAccuracy: 1, step: 1, source: "llm" },
    ];
    const out: BaselineResult[] = [];
    await scoreBaselines(
      {
        history,
        scorer,
        featuresOf: async (s) => {
          read.push(s);
          return splits[s];
        },
        hasVal: true,
        scoreTest: true,
      },
      out,
    );
    expect(out.map((b) => b.label)).toEqual([DEFAULT_BASELINE_TEMPLATE, "best pool template"]);
    // The pool's best is "good {}" (not the LLM's template): its known scores are kept, test is computed.
    expect(out[1]).toEqual({
      label: "best pool template",
      template: "good {}",
      trainAccuracy: 0.7,
      valAccuracy: 0.6,
      testAccuracy: 1,
    });
    // The default template was never scored: every split is read for it.
    expect(read.slice(0, 3)).toEqual(["val", "train", "test"]);
    expect(encoder.textCalls).toBe(2);
  });

  it("leaves test unscored when asked, and needs no pool template", async () => {
    const { scorer, split } = knownTask();
    const out: BaselineResult[] = [];
    const train = split([0, 1]);
    await scoreBaselines(
      { history: [], scorer, featuresOf: async () => train, hasVal: false, scoreTest: false },
      out,
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      template: DEFAULT_BASELINE_TEMPLATE,
      valAccuracy: null,
      testAccuracy: null,
    });
  });
});
