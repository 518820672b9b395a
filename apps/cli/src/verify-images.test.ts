import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ContentHashMemo,
  MemoryContentHashMemo,
  MemoryEmbeddingCache,
  type RememberedHash,
} from "@vlmopt/core";
import { describe, expect, it } from "vitest";
import { fakeRegistry, writeToyDataset } from "./fake-registry.js";
import { memoryIo } from "./io.js";
import { run } from "./main.js";

/** A feature cache that is also a content-hash memo (as the disk store is), recording its use. */
class RecordingStore extends MemoryEmbeddingCache implements ContentHashMemo {
  private readonly memo = new MemoryContentHashMemo();
  recalled = 0;
  remembered = 0;
  async recallHashes(paths: readonly string[]) {
    this.recalled += paths.length;
    return this.memo.recallHashes(paths);
  }
  async rememberHashes(records: readonly RememberedHash[]) {
    this.remembered += records.length;
    return this.memo.rememberHashes(records);
  }
}

describe("--verify-images", () => {
  const evalArgs = [
    "eval",
    "--dataset",
    "toy",
    "--data-root",
    "data",
    "--model",
    "test:hash",
    "-t",
    "a {}.",
    "--json",
  ];
  const optimizeArgs = [
    "optimize",
    "--dataset",
    "toy",
    "--data-root",
    "data",
    "--model",
    "test:hash",
    "--strategy",
    "toy",
    "--llm",
    "scripted",
    "--iterations",
    "1",
  ];

  it("eval and optimize trust remembered hashes by default and re-hash every image with the flag", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "vlmopt-verify-"));
    writeToyDataset(join(cwd, "data"));
    const store = new RecordingStore();
    const registry = () => fakeRegistry({ imageCache: async () => store });
    expect(await run(evalArgs, memoryIo({ cwd }), registry())).toBe(0);
    expect(store.remembered).toBe(6); // the test split's 6 files, hashed once
    expect(await run(evalArgs, memoryIo({ cwd }), registry())).toBe(0);
    expect(store.remembered).toBe(6); // warm: every hash recalled, none recomputed
    const recalled = store.recalled;
    expect(await run([...evalArgs, "--verify-images"], memoryIo({ cwd }), registry())).toBe(0);
    expect(store.remembered).toBe(12);
    expect(store.recalled).toBe(recalled);

    expect(await run([...optimizeArgs, "--run-dir", "a"], memoryIo({ cwd }), registry())).toBe(0);
    const before = store.remembered;
    expect(
      await run([...optimizeArgs, "--run-dir", "b", "--verify-images"], memoryIo({ cwd }), registry()),
    ).toBe(0);
    // train (4), val (2) and test (6) re-hashed
    expect(store.remembered - before).toBe(12);
  });
});
