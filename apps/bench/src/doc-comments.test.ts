import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/** Doc blocks directly followed by another doc block: the first has lost what it documents. */
function orphanedDocComments(source: string): number[] {
  const lines: number[] = [];
  for (const m of source.matchAll(/\*\/\n[ \t]*\/\*\*/g))
    lines.push(source.slice(0, m.index).split("\n").length);
  return lines;
}

describe("bench sources", () => {
  it("finds an orphaned doc comment", () => {
    expect(orphanedDocComments("/** A. */\n/** B. */\nconst b = 1;\n")).toEqual([1]);
    expect(orphanedDocComments("/** A. */\nconst a = 1;\n/** B. */\nconst b = 1;\n")).toEqual([]);
  });

  it("have no doc comment that lost its function (each /** */ documents the code below it)", () => {
    const dir = new URL("./", import.meta.url);
    const found = readdirSync(dir)
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) => orphanedDocComments(readFileSync(new URL(f, dir), "utf8")).map((l) => `${f}:${l}`));
    expect(found).toEqual([]);
  });
});
