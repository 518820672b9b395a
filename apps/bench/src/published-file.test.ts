import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@vlmopt/core";
import { describe, expect, it } from "vitest";
import { readPublishedTable } from "./published-file.js";

const dir = mkdtempSync(join(tmpdir(), "vlmopt-published-"));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}
const good = {
  source: "the paper, Table 1",
  backbone: "CLIP RN50",
  protocol: "1-shot, seeds 1-3",
  rows: { "hill-climb-pn": { eurosat: 61.2, dtd: 44 }, "a-photo-of": { eurosat: 37.5 } },
};

describe("readPublishedTable (--published)", () => {
  it("reads a table typed in from a paper", async () => {
    const t = await readPublishedTable(file("good.json", good));
    expect(t.rows["hill-climb-pn"]).toEqual({ eurosat: 61.2, dtd: 44 });
    expect(t.backbone).toBe("CLIP RN50");
    expect(t.source).toBe("the paper, Table 1");
    expect(t.note).toContain("good.json");
  });

  const bad: [string, unknown, RegExp][] = [
    ["not-json.json", "{ rows: ", /not valid JSON/],
    ["array.json", [1, 2], /the top level must be an object/],
    ["no-source.json", { ...good, source: "" }, /"source" must be a non-empty string/],
    ["no-rows.json", { ...good, rows: [] }, /"rows" must be an object/],
    ["method.json", { ...good, rows: { coop: { eurosat: 50 } } }, /rows\."coop" is not a method/],
    [
      "dataset.json",
      { ...good, rows: { random: { cifar10: 50 } } },
      /rows\."random"\."cifar10" is not a dataset/,
    ],
    ["fraction.json", { ...good, rows: { random: { eurosat: 612 } } }, /is 612; it must be a percentage/],
    ["string.json", { ...good, rows: { random: { eurosat: "61.2" } } }, /is "61.2"; it must be a percentage/],
  ];
  for (const [name, content, message] of bad) {
    it(`refuses ${name} with one error naming the file and the field`, async () => {
      const path = file(name, content);
      const error = await readPublishedTable(path).catch((e: unknown) => e);
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain(path);
    });
  }

  it("refuses a missing file", async () => {
    await expect(readPublishedTable(join(dir, "absent.json"))).rejects.toThrow(/cannot read --published/);
  });
});
