import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { describe, expect, it } from "vitest";
import { ClipTokenizer } from "./clip-tokenizer.js";
import { findRepoRoot } from "./repo-paths.js";
import { buildTinyClipTokenizerJson } from "./tiny-tokenizer.js";

const TOKENIZER = resolve(findRepoRoot() ?? ".", "../shared/models/clip-bpe-tokenizer/tokenizer.json");
const hasShared = existsSync(TOKENIZER);
if (!hasShared) console.warn(`[clip-embedding] ${TOKENIZER} absent: real-vocabulary tokenizer tests skipped`);

describe.skipIf(!hasShared)("ClipTokenizer on the real CLIP vocabulary", () => {
  it("encodes like CLIP, lower-cased", async () => {
    const tok = await ClipTokenizer.fromFile(TOKENIZER);
    expect(tok.encode("a photo of a cat.")).toEqual([49406, 320, 1125, 539, 320, 2368, 269, 49407]);
    expect(tok.encode("A   PHOTO of a Cat.")).toEqual([49406, 320, 1125, 539, 320, 2368, 269, 49407]);
    expect(tok.encode("")).toEqual([49406, 49407]);
  });

  it("truncates long prompts to 77 tokens keeping the end token last", async () => {
    const tok = await ClipTokenizer.fromFile(TOKENIZER);
    const ids = tok.encode(`a photo of ${"a very ".repeat(60)}cat.`);
    expect(ids.length).toBe(77);
    expect(ids[0]).toBe(49406);
    expect(ids[76]).toBe(49407);
    expect(ids.slice(1, 76)).not.toContain(49407);
  });

  it("pads a batch with the end token and masks the padding", async () => {
    const tok = await ClipTokenizer.fromFile(TOKENIZER);
    const b = tok.encodeBatch(["a photo of a cat.", "a cat"]);
    expect(b.sequenceLength).toBe(8);
    expect(Array.from(b.ids.subarray(8), Number)).toEqual([
      49406, 320, 2368, 49407, 49407, 49407, 49407, 49407,
    ]);
    expect(Array.from(b.attentionMask.subarray(8), Number)).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    expect(tok.encodeBatch(["a cat"], { padTo: 77 }).ids.length).toBe(77);
  });
});

describe("the built tiny tokenizer", () => {
  it("is a valid byte-level BPE with CLIP's special tokens", () => {
    const tok = new ClipTokenizer(new Tokenizer(buildTinyClipTokenizerJson(), {}));
    const ids = tok.encode("A photo of the Cat!");
    expect(ids[0]).toBe(49406);
    expect(ids.at(-1)).toBe(49407);
    expect(ids.slice(1, -1).every((i) => i < 600)).toBe(true);
    expect(tok.encode("a photo of the cat!")).toEqual(ids);
  });
});
