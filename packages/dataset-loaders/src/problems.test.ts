import { DatasetFormatError } from "@vlmopt/core";
import { describe, expect, it } from "vitest";
import { problemsToError } from "./problems.js";
import type { DatasetProblem } from "./types.js";

const problem = (code: string, message: string, fix: string): DatasetProblem => ({
  severity: "error",
  code,
  message,
  fix,
});

const count = (text: string, part: string) => text.split(part).length - 1;

describe("problemsToError", () => {
  it("gives a fix shared by every listed problem once, as the hint", () => {
    const fix = 'Put the list at <dataset>/split_fewshot/shot_3-seed_1.json, or use fewshotSource "sample".';
    const error = problemsToError('Dataset "eurosat"', [
      problem("fewshot-missing", "No CoOp few-shot list shot_3-seed_1 found", fix),
      { ...problem("image-unreadable", "ignored", "ignored fix"), severity: "warning" },
    ]);
    expect(DatasetFormatError.isInstance(error)).toBe(true);
    const text = error.toDisplayString();
    expect(count(text, fix)).toBe(1);
    expect(text).not.toContain("ignored");
    expect(error.message).toBe(
      'Dataset "eurosat" cannot be loaded: 1 problem:\n  - [fewshot-missing] No CoOp few-shot list shot_3-seed_1 found',
    );
    expect(error.hint).toBe(`${fix} Run checkDataset (vlmopt datasets check) for the full report.`);
    expect(error.what).toBe('Dataset "eurosat"');
    expect(error.problems.map((p) => p.code)).toEqual(["fewshot-missing"]);
  });

  it("shows the first `limit` problems, says 'as above' for a repeated fix, and counts the rest", () => {
    const problems = [
      problem("class-count-mismatch", "1000 classes; the registry has 10", "Use CoOp's class list."),
      ...Array.from({ length: 8 }, (_, i) =>
        problem("class-name-mismatch", `line ${i + 1} differs`, "Use CoOp's class names."),
      ),
    ];
    const error = problemsToError("Dataset x", problems, 5);
    const lines = error.message.split("\n");
    expect(lines[0]).toBe("Dataset x cannot be loaded: 9 problems:");
    expect(lines).toHaveLength(1 + 5 + 1);
    expect(count(error.message, "Use CoOp's class names.")).toBe(1);
    expect(count(error.message, "fix: as above")).toBe(3);
    expect(lines.at(-1)).toBe("  - … and 4 more");
    expect(error.hint).toBe("Run checkDataset (vlmopt datasets check) for the full report.");
    expect(error.problems).toHaveLength(9);
  });
});
