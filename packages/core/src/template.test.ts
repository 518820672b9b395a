import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors.js";
import {
  dedupeTemplates,
  fillTemplate,
  normalizeTemplate,
  templateProblem,
  validateTemplate,
} from "./template.js";

describe("templates", () => {
  it("replaces every {} and turns underscores into spaces (CoOp)", () => {
    expect(fillTemplate("a photo of a {}, a type of {}.", "golden_retriever")).toBe(
      "a photo of a golden retriever, a type of golden retriever.",
    );
  });

  it("validates with a clear error naming the template", () => {
    expect(templateProblem("a photo")).toBe("no-placeholder");
    expect(templateProblem("")).toBe("empty");
    expect(templateProblem(`${"x".repeat(301)}{}`)).toBe("too-long");
    expect(templateProblem("a\u0007{}")).toBe("control-characters");
    expect(templateProblem(3)).toBe("not-a-string");
    expect(validateTemplate("a photo of a {}.")).toBe("a photo of a {}.");
    try {
      validateTemplate("a photo of a cat", "--template");
      expect.unreachable();
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(
        '--template "a photo of a cat" has no "{}" placeholder for the class name',
      );
    }
  });

  it("normalises for de-duplication the way CLIP's tokenizer sees text", () => {
    expect(normalizeTemplate("  A  Photo of\ta {}. ")).toBe("a photo of a {}.");
    expect(dedupeTemplates(["A photo of a {}.", "a photo of a {}.", "a photo of the {}."])).toEqual([
      "A photo of a {}.",
      "a photo of the {}.",
    ]);
  });
});
