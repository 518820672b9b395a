import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir, write } from "./fixtures.test-helper.js";
import { jsonErrorOffset } from "./json-file.js";
import { readFewShotFile, readSplitFile } from "./split-file.js";

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const sample = (n: number) => ({ train: [[`a${n}.jpg`, 0, "a"]], val: [[`v${n}.jpg`, 0, "a"]] });

describe("split and few-shot files", () => {
  it("reads a gzip collection by shots and seed, and lists what it has otherwise", async () => {
    const file = join(tmp.dir, "ds.json.gz");
    write(file, gzipSync(JSON.stringify({ "shot_1-seed_1": sample(1), "shot_1-seed_2": sample(2) })));
    expect((await readFewShotFile(file, { shots: 1, seed: 2 })).train[0]?.[0]).toBe("a2.jpg");
    await expect(readFewShotFile(file, { shots: 4, seed: 1 })).rejects.toThrow(
      /shot_1-seed_1, shot_1-seed_2/,
    );
    const single = join(tmp.dir, "shot_1-seed_1.json");
    write(single, JSON.stringify(sample(9)));
    expect((await readFewShotFile(single)).val[0]?.[0]).toBe("v9.jpg");
  });

  it("rejects a split file that is not CoOp's format, naming the list", async () => {
    const file = join(tmp.dir, "split.json");
    write(file, JSON.stringify({ train: [], val: [["x.jpg", "zero", "a"]] }));
    const error = (await readSplitFile(file).catch((e: unknown) => e)) as Error;
    expect(error?.message).toMatch(/"test" in .* is missing/);
    expect(error?.message).toMatch(/val\[0\] = \["x.jpg","zero","a"\] is not \[relpath, label, classname\]/);
  });

  it("finds the JSON error offset when V8 gives no position", () => {
    const text = '{"a": [1, 2,]}';
    expect(jsonErrorOffset(text, "Unexpected token")).toBe(12);
  });
});
