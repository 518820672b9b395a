import { describe, expect, it } from "vitest";
import { normalizePlaceholder, parseTemplates } from "./parse-templates.js";

describe("parseTemplates", () => {
  it("takes bulleted and numbered lines and ignores the chatter around them", () => {
    const reply = [
      "Sure! Here are some better templates:",
      "- a satellite photo of {}.",
      "* an aerial view of {}.",
      "1. a centered photo of a {}.",
      "2) {} seen from above.",
      "These should work well because {} is kept.",
    ].join("\n");
    expect(parseTemplates(reply)).toEqual([
      "a satellite photo of {}.",
      "an aerial view of {}.",
      "a centered photo of a {}.",
      "{} seen from above.",
    ]);
  });

  it("accepts a bare reply without bullets", () => {
    expect(parseTemplates('"a photo of a {}, a type of flower."')).toEqual([
      "a photo of a {}, a type of flower.",
    ]);
  });

  it("strips quotes, backticks and emphasis", () => {
    expect(parseTemplates(["- `a photo of {}.`", '- "a sketch of {}."', "- **a close-up of {}.**"])).toEqual([
      "a photo of {}.",
      "a sketch of {}.",
      "a close-up of {}.",
    ]);
  });

  it("rewrites placeholder variants to {}", () => {
    expect(normalizePlaceholder("a photo of a [CLASS].")).toBe("a photo of a {}.");
    expect(normalizePlaceholder("a photo of a <class>.")).toBe("a photo of a {}.");
    expect(normalizePlaceholder("a photo of a {class name}.")).toBe("a photo of a {}.");
    expect(normalizePlaceholder("a photo of a {0}.")).toBe("a photo of a {}.");
    expect(parseTemplates("- a {class} in the wild.")).toEqual(["a {} in the wild."]);
  });

  it("rejects lines without a placeholder, with other braces, or too long", () => {
    const reply = ["- a photo of a dog.", "- a {} of {color}.", `- ${"very ".repeat(20)}{}`, "- ok {}"].join(
      "\n",
    );
    expect(parseTemplates(reply, { maxLength: 40 })).toEqual(["ok {}"]);
  });

  it("de-duplicates within the reply and against what was already scored", () => {
    const scored = new Set(["a photo of a {}."]);
    const reply = ["- A photo of a {}.", "- a  painting of {}.", "- a painting of {}.", "- art of {}."].join(
      "\n",
    );
    expect(parseTemplates(reply, { alreadyScored: (t) => scored.has(t.toLowerCase()) })).toEqual([
      "a painting of {}.",
      "art of {}.",
    ]);
  });

  it("honours the limit and never throws on junk", () => {
    expect(parseTemplates(["- a {}", "- b {}", "- c {}"], { limit: 2 })).toEqual(["a {}", "b {}"]);
    expect(parseTemplates("")).toEqual([]);
    expect(parseTemplates(["\u0000{}", "}{"])).toEqual([]);
  });
});
