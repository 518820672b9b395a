import { describe, expect, it } from "vitest";
import { candidateLabel, isPromptSetKey, promptSetId, promptSetSummary } from "./candidate-label.js";
import { promptSet, promptSetKey } from "./prompt-set.js";

const even = {
  AnnualCrop: ["AnnualCrop, which has rows of crops.", "AnnualCrop, which is farmland."],
  Forest: ["Forest, which has tall trees.", "Forest, which is green."],
};

describe("promptSetSummary", () => {
  it("gives classes × texts, the first text as an example and the set's id", () => {
    const key = promptSetKey(promptSet(even));
    expect(promptSetSummary(even)).toBe(
      `prompt set: 2 classes × 2 texts, e.g. “AnnualCrop, which has rows of crops.” (${key.split(" ")[0]})`,
    );
  });

  it("gives the range and the total when classes have different numbers of texts", () => {
    const uneven = { a: ["a, which is one."], b: ["b1", "b2", "b3"], c: ["c1", "c2"] };
    expect(promptSetSummary(uneven, "descriptions#0123456789ab (3 classes, 6 texts)")).toBe(
      "prompt set: 3 classes × 1–3 texts (6 in all), e.g. “a, which is one.” (descriptions#0123456789ab)",
    );
  });

  it("cuts a long example text and says one class / one text in the singular", () => {
    const long = `${"x".repeat(100)}`;
    const s = promptSetSummary({ only: [long] });
    expect(s).toContain(`prompt set: 1 class × 1 text, e.g. “${"x".repeat(59)}…”`);
    expect(s.length).toBeLessThan(130);
  });
});

describe("candidateLabel", () => {
  it("is the template itself for a template, the summary for a scored prompt set", () => {
    expect(candidateLabel({ template: "a photo of a {}." })).toBe("a photo of a {}.");
    const key = promptSetKey(promptSet(even));
    expect(candidateLabel({ template: key, prompts: even })).toBe(promptSetSummary(even));
    // A key whose texts are unknown (e.g. parsed but never scored) stays the key.
    expect(candidateLabel({ template: key, prompts: null })).toBe(key);
  });

  it("recognises a prompt set's key and its id", () => {
    const key = promptSetKey(promptSet(even));
    expect(isPromptSetKey(key)).toBe(true);
    expect(isPromptSetKey("a photo of a {}.")).toBe(false);
    expect(promptSetId(key)).toMatch(/^descriptions#[0-9a-f]{12}$/);
  });
});
