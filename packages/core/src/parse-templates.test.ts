import { describe, expect, it } from "vitest";
import { parseTemplates } from "./parse-templates.js";
import { MAX_TEMPLATE_WORDS } from "./template.js";
import { normalizePlaceholder } from "./template-line.js";

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

  // One line of a GPT- / Claude-style reply → what parseTemplates returns for it alone.
  const REPLY_LINES: readonly [string, string[]][] = [
    ["- a photo of a {}. (10.00%)", ["a photo of a {}."]],
    ["1. a satellite photo of {} — 71%", ["a satellite photo of {}"]],
    ['- "a centered photo of {}." score: 0.8', ["a centered photo of {}."]],
    ["Here is a better prompt: a top-down photo of {}.", ["a top-down photo of {}."]],
    ["1. **A satellite image of a {}.**", ["A satellite image of a {}."]],
    ["2) `a blurry photo of the {}.`", ["a blurry photo of the {}."]],
    ["• An aerial photograph of [CLASS] farmland.", ["An aerial photograph of {} farmland."]],
    [
      '**Template 3:** "a close-up photo of a {}, a type of flower."',
      ["a close-up photo of a {}, a type of flower."],
    ],
    [
      "- **New template:** a high-resolution satellite image of {}.",
      ["a high-resolution satellite image of {}."],
    ],
    ['3. "a photo of the {}, taken from above." (62.5%)', ["a photo of the {}, taken from above."]],
    ["📷 a cropped photo of a {}.", ["a cropped photo of a {}."]],
    ["- a photo of a {} in bloom 🌸", ["a photo of a {} in bloom 🌸"]],
    ["* Template: a sketch of a <class>. (score 0.63)", ["a sketch of a {}."]],
    ["- a photo of a {}'s nest - 71%", ["a photo of a {}'s nest"]],
    ["1. a centered satellite photo of {}. [0.71]", ["a centered satellite photo of {}."]],
    ["- “a low-resolution photo of the {}.”: 71%", ["a low-resolution photo of the {}."]],
    ["Sure! Here's an improved one: “a photo of a {}, a type of pet.”", ["a photo of a {}, a type of pet."]],
    ["- a photo of {}: 71%", ["a photo of {}"]],
    ["- a photo of a {} → 73.5%", ["a photo of a {}"]],
    ["1️⃣ a pencil drawing of a {}.", ["a pencil drawing of a {}."]],
    ["- A photo of a {class name} in the wild. Accuracy: 68%", ["A photo of a {} in the wild."]],
    [
      "- I'd suggest 'a photo of a {}, a type of aircraft.' since it adds context",
      ["a photo of a {}, a type of aircraft."],
    ],
    ["(4) **Satellite view:** a satellite photo of the {} region.", ["a satellite photo of the {} region."]],
    ["text: a bright photo of {}.", ["a bright photo of {}."]],
    ['- Use more specific words like "satellite" or "aerial".', []],
    ["**Why these work:** they name the viewpoint.", []],
    ["Photo: {}.", ["Photo: {}."]],
    // Numbers, colons and apostrophes that belong to the template stay.
    ["- a photo of a {} taken in 2020.", ["a photo of a {} taken in 2020."]],
    ["- a photo of a {} at 10:30.", ["a photo of a {} at 10:30."]],
    ["- a photo of a {}: a type of pet.", ["a photo of a {}: a type of pet."]],
    ["- a top-10 photo of the {} (close-up).", ["a top-10 photo of the {} (close-up)."]],
  ];

  it.each(REPLY_LINES)("parses %j", (line, expected) => {
    expect(parseTemplates(line)).toEqual(expected);
  });

  it("reads OPRO-style text:/score: blocks and prefers them over chatter", () => {
    const reply = [
      "Based on the trend, a template mentioning {} and the viewpoint should score higher.",
      "",
      "text:",
      "a top-down satellite photo of {}.",
      "score:",
      "74.5",
    ].join("\n");
    expect(parseTemplates(reply)).toEqual(["a top-down satellite photo of {}."]);
    expect(parseTemplates("text:\n**a photo of a {}.**\nscore:\n61")).toEqual(["a photo of a {}."]);
  });

  it("falls back to plain lines when no list item holds a template", () => {
    const reply = [
      "Some ideas:",
      "- emphasise the aerial viewpoint",
      "- mention the land-use type",
      "",
      "a satellite photo of {}, a type of land use.",
    ].join("\n");
    expect(parseTemplates(reply)).toEqual(["a satellite photo of {}, a type of land use."]);
  });

  it(`rejects a paragraph that happens to contain {} (more than ${MAX_TEMPLATE_WORDS} words)`, () => {
    const paragraph = `This template works because it places {} in context, ${"and it keeps the wording short ".repeat(6)}.`;
    expect(paragraph.length).toBeLessThan(300);
    expect(paragraph.split(" ").length).toBeGreaterThan(MAX_TEMPLATE_WORDS);
    expect(parseTemplates(paragraph)).toEqual([]);
    expect(parseTemplates("a b c {}", { maxWords: 3 })).toEqual([]);
    expect(parseTemplates("a b {}", { maxWords: 3 })).toEqual(["a b {}"]);
  });
});
