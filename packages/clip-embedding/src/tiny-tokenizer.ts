/** CLIP's start and end tokens. */
export const CLIP_BOS_ID = 49406;
export const CLIP_EOS_ID = 49407;

/** GPT-2's byte → printable character table used by byte-level BPE. */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  const table: string[] = new Array(256);
  bs.forEach((b, i) => {
    table[b] = String.fromCodePoint(cs[i] as number);
  });
  return table;
}

const MERGES = ["t h", "th e</w>", "o f</w>", "a </w>", "p h", "o t", "ph ot", "phot o</w>"];

/**
 * A tiny but valid CLIP-style byte-level BPE tokenizer.json: the 512 byte symbols (with and
 * without `</w>`), a handful of merges and CLIP's special tokens at 49406/49407, with CLIP's
 * normaliser, pre-tokeniser and post-processor. Used by the generated test model when the real
 * CLIP tokenizer is not at hand; its ids are NOT CLIP's ids.
 */
export function buildTinyClipTokenizerJson(): Record<string, unknown> {
  const table = bytesToUnicode();
  const vocab: Record<string, number> = {};
  let id = 0;
  for (const c of table) vocab[c] = id++;
  for (const c of table) vocab[`${c}</w>`] = id++;
  for (const m of MERGES) vocab[m.replace(" ", "")] = id++;
  vocab["<|startoftext|>"] = CLIP_BOS_ID;
  vocab["<|endoftext|>"] = CLIP_EOS_ID;
  const special = (tokenId: number, content: string) => ({
    id: tokenId,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: tokenId === CLIP_BOS_ID,
    special: true,
  });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [special(CLIP_BOS_ID, "<|startoftext|>"), special(CLIP_EOS_ID, "<|endoftext|>")],
    normalizer: {
      type: "Sequence",
      normalizers: [
        { type: "NFC" },
        { type: "Replace", pattern: { Regex: "\\s+" }, content: " " },
        { type: "Lowercase" },
      ],
    },
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        {
          type: "Split",
          pattern: { Regex: "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" },
          behavior: "Removed",
          invert: true,
        },
        { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: "RobertaProcessing",
      sep: ["<|endoftext|>", CLIP_EOS_ID],
      cls: ["<|startoftext|>", CLIP_BOS_ID],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: "<|endoftext|>",
      continuing_subword_prefix: "",
      end_of_word_suffix: "</w>",
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: MERGES,
    },
  };
}
