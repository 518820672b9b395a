import { Tokenizer } from "@huggingface/tokenizers";
import { describe, expect, it } from "vitest";
import { ClipTokenizer } from "./clip-tokenizer.js";
import { buildTinySentencePieceJson, SP_EOS_ID, SP_PAD_ID } from "./tiny-sentencepiece.js";

describe("tiny SentencePiece tokenizer (SigLIP-style)", () => {
  const raw = new Tokenizer(buildTinySentencePieceJson() as object, {});
  it("segments with Unigram + Metaspace and appends </s>", () => {
    const enc = raw.encode("a photo of the cat.");
    expect(enc.tokens).toEqual(["▁a", "▁photo", "▁of", "▁the", "▁cat", ".", "</s>"]);
    expect(enc.ids.at(-1)).toBe(SP_EOS_ID);
  });
  it("ClipTokenizer pads SigLIP-style rows to the fixed context with the pad token, no start token", () => {
    const tok = new ClipTokenizer(raw, { contextLength: 16, padToken: "<pad>" });
    expect(tok.kind).toBe("sentencepiece");
    expect(tok.bosId).toBeUndefined();
    const ids = tok.encode("a photo of the cat.");
    expect(ids[0]).not.toBe(SP_EOS_ID);
    expect(ids.at(-1)).toBe(SP_EOS_ID);
    const batch = tok.padRows([ids]);
    expect(batch.sequenceLength).toBe(16);
    expect(Number(batch.ids[15])).toBe(SP_PAD_ID);
    const long = tok.encode("the cat ".repeat(30));
    expect(long.length).toBe(16);
    expect(long.at(-1)).toBe(SP_EOS_ID);
  });
});
