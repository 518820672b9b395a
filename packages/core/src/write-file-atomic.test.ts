import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "./write-file-atomic.js";

describe("writeFileAtomic", () => {
  it("replaces the file whole, with or without fsync, and leaves no temp file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vlmopt-atomic-"));
    const path = join(dir, "a.json");
    writeFileSync(path, "old");
    await writeFileAtomic(path, "new");
    expect(readFileSync(path, "utf8")).toBe("new");
    await Promise.all([1, 2, 3].map((i) => writeFileAtomic(path, `v${i}`, { fsync: false })));
    expect(["v1", "v2", "v3"]).toContain(readFileSync(path, "utf8"));
    expect(readdirSync(dir)).toEqual(["a.json"]);
  });

  it("a failed write keeps the old file and removes its temp file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vlmopt-atomic-"));
    // The target is a directory: the rename fails after the temp file was written.
    const target = join(dir, "taken");
    writeFileSync(join(dir, "keep"), "x");
    mkdirSync(join(target, "inside"), { recursive: true });
    await expect(writeFileAtomic(target, "data")).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual(["keep", "taken"]);
  });
});
