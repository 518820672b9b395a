import { describe, expect, it } from "vitest";
import { extractTemplates, isInstruction } from "./extract-templates.js";
import { OPENING_PROMPTS } from "./opening-prompts.js";
import { MAX_TEMPLATE_WORDS } from "./template.js";
import { stripScores } from "./template-line.js";

describe("extractTemplates on the strategies' real meta-prompts", () => {
  for (const [strategy, { prompt, shown }] of Object.entries(OPENING_PROMPTS)) {
    it(`${strategy}: returns exactly the templates shown, no instruction and no score`, () => {
      const found = extractTemplates(prompt);
      for (const t of found) {
        expect(t).toContain("{}");
        for (const banned of ["%", "CLIP", "template", "Reply"]) expect(t, t).not.toContain(banned);
      }
      expect(found).toEqual(shown);
    });
  }
});

describe("extractTemplates", () => {
  it("reads list items (- * 1. 1)) and quoted strings, stripping score annotations", () => {
    const text = [
      '1. "a photo of a {}." 61.2%',
      "2) a satellite image of the {}. (accuracy: 70.1)",
      "- an aerial view of {} — 71%",
      "* a centered photo of {}, score: 0.8",
      "- a dark photo of {} | 0.71",
      "- a small photo of {} - 64.50%",
      "- a bright photo of {}. (61.25%)",
    ].join("\n");
    expect(extractTemplates(text)).toEqual([
      "a photo of a {}.",
      "a satellite image of the {}.",
      "an aerial view of {}",
      "a centered photo of {}",
      "a dark photo of {}",
      "a small photo of {}",
      "a bright photo of {}.",
    ]);
  });

  it("reads OPRO's text:/score: blocks and inline text: lines", () => {
    expect(extractTemplates("text:\na {} on a street.\nscore:\n21.3\n\ntext: a red {}.\nscore: 5")).toEqual([
      "a {} on a street.",
      "a red {}.",
    ]);
  });

  it("drops instruction sentences and returns nothing when only instructions contain {}", () => {
    expect(extractTemplates("- Keep {} where the class name goes.\nEach must contain {}.")).toEqual([]);
    expect(isInstruction("Write 5 different prompt templates that would help CLIP")).toBe(true);
    expect(isInstruction("cropped Keep {} where the name goes.")).toBe(true);
    expect(isInstruction("a cropped photo of a {}.")).toBe(false);
  });

  it("reads templates up to core's MAX_TEMPLATE_WORDS (the reply parser's cap), not beyond", () => {
    const long = (words: number) => `a {} ${Array.from({ length: words - 2 }, (_, i) => `w${i}`).join(" ")}`;
    expect(long(30).split(" ")).toHaveLength(30);
    expect(
      extractTemplates(`- ${long(30)}\n- ${long(MAX_TEMPLATE_WORDS)}\n- ${long(MAX_TEMPLATE_WORDS + 1)}`),
    ).toEqual([long(30), long(MAX_TEMPLATE_WORDS)]);
  });

  it("stripScores removes every trailing annotation, repeatedly", () => {
    expect(stripScores("an old a of a {} in dark and white. close-up (10.00%) (0.00%)")).toBe(
      "an old a of a {} in dark and white. close-up",
    );
    expect(stripScores("a photo of {} from 1990")).toBe("a photo of {} from 1990");
  });
});
