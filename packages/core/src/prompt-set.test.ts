import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors.js";
import {
  candidateKey,
  candidateProblem,
  classNameMismatch,
  dedupeCandidates,
  promptSet,
  promptSetKey,
  templatePromptSet,
  validateClassPrompts,
} from "./prompt-set.js";

const classNames = ["Abyssinian", "Bengal", "great_pyrenees", "pug"];

describe("validateClassPrompts", () => {
  it("returns the prompts keyed in dataset order when every class is there once", () => {
    const got = validateClassPrompts(
      { pug: ["a pug"], Bengal: ["b"], Abyssinian: ["a"], great_pyrenees: ["g"] },
      classNames,
    );
    expect(Object.keys(got)).toEqual(classNames);
  });

  it("names every missing, extra and misspelt class in one ConfigError", () => {
    const bad = { Abyssinain: ["a"], Bengal: ["b"], shiba_inu: ["s"] };
    let error: unknown;
    try {
      validateClassPrompts(bad, classNames, "descriptions.json");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain("descriptions.json");
    expect(message).toContain('"Abyssinain" (meant "Abyssinian"?)');
    expect(message).toContain('missing: "great_pyrenees", "pug"');
    expect(message).toContain('not a class of the dataset: "shiba_inu"');
  });

  it("reports a class with no texts or a bad text", () => {
    expect(() =>
      validateClassPrompts({ Abyssinian: [], Bengal: [""], great_pyrenees: ["g"], pug: ["p"] }, classNames),
    ).toThrow(/"Abyssinian": class-without-texts; class "Bengal": empty-text/);
    expect(() => validateClassPrompts(["a"], classNames)).toThrow(ConfigError);
  });
});

describe("classNameMismatch", () => {
  it("pairs a near miss with the missing class and keeps a far one as extra", () => {
    expect(classNameMismatch(["Abyssinian", "Bengal", "great pyrenees", "Xylophone"], classNames)).toEqual({
      missing: ["pug"],
      extra: ["Xylophone"],
      misspelt: [["great pyrenees", "great_pyrenees"]],
    });
  });
});

describe("keys", () => {
  it("give equal keys to sets that embed the same (case, spacing, key order) and differ otherwise", () => {
    const a = promptSet({ Bengal: ["A  Bengal cat"], pug: ["a pug"] });
    const b = promptSet({ pug: ["a pug"], Bengal: ["a bengal cat"] });
    const c = promptSet({ pug: ["a pug dog"], Bengal: ["a bengal cat"] });
    expect(promptSetKey(a)).toBe(promptSetKey(b));
    expect(promptSetKey(a)).not.toBe(promptSetKey(c));
    expect(promptSetKey(a)).toMatch(/^descriptions#[0-9a-f]{12} \(2 classes, 2 texts\)$/);
    expect(dedupeCandidates([a, "a {}", b, "A {}", c])).toEqual([a, "a {}", c]);
    expect(candidateKey("A  {}")).toBe("a {}");
  });

  it("check candidates of both kinds", () => {
    expect(candidateProblem("no placeholder")).toBe("no-placeholder");
    expect(candidateProblem(templatePromptSet("a {}", classNames))).toBeNull();
    expect(candidateProblem(promptSet({}))).toBe("no-classes");
    expect(candidateProblem(promptSet({ pug: ["x".repeat(400)] }))).toBe("text-too-long");
    expect(candidateProblem({ kind: "other" })).toBe("not-a-candidate");
  });
});
