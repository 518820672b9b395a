import { DatasetFormatError } from "@vlmopt/core";
import { describe, expect, it } from "vitest";
import { skipReason } from "./skip-reason.js";

const withProblems = (problems: { message: string; fix: string }[]) =>
  Object.assign(
    new DatasetFormatError("Dataset x cannot be loaded:\n  - lines", { hint: "see the report" }),
    {
      what: "Dataset x",
      problems,
    },
  );

describe("skipReason", () => {
  it("is one line: the first problem with its fix once, and how many more", () => {
    const reason = skipReason(
      withProblems([
        { message: "classnames.txt lists 1000 classes", fix: "Use CoOp's class list." },
        { message: "line 1 differs", fix: "Use CoOp's class names." },
        { message: "line 2 differs", fix: "Use CoOp's class names." },
      ]),
      "eurosat",
      "/data",
    );
    expect(reason).toBe(
      "cannot be loaded from /data: classnames.txt lists 1000 classes — fix: Use CoOp's class list. (and 2 more problems; `pnpm vlmopt datasets check eurosat --data-root /data` lists them)",
    );
  });
  it("keeps other errors' text on one line", () => {
    expect(skipReason(new DatasetFormatError("a\n  b", { hint: "c" }), "x", "/r")).toBe(
      "cannot be loaded from /r: a b — c",
    );
  });
});
