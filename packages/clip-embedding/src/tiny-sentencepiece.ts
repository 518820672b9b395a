/**
 * A tiny SentencePiece-style (Unigram + Metaspace) tokenizer.json in the shape of SigLIP's
 * (T5-style ids: <pad> 0, </s> 1, <unk> 2; a TemplateProcessing post-processor appending </s>).
 * Used by the generated SigLIP-layout test model; its ids are NOT SigLIP's.
 */
export const SP_PAD_ID = 0;
export const SP_EOS_ID = 1;
export const SP_UNK_ID = 2;

const WORDS = ["▁a", "▁photo", "▁of", "▁the", "▁satellite", "▁cat", "▁dog", "▁river"];

export function buildTinySentencePieceJson(): Record<string, unknown> {
  const vocab: [string, number][] = [
    ["<pad>", 0],
    ["</s>", 0],
    ["<unk>", 0],
    ["▁", -2],
  ];
  for (const c of "abcdefghijklmnopqrstuvwxyz0123456789.,!?'-{}") vocab.push([c, -5]);
  for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZ") vocab.push([c, -6]);
  for (const w of WORDS) vocab.push([w, -1]);
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [special(0, "<pad>"), special(1, "</s>"), special(2, "<unk>")],
    normalizer: null,
    pre_tokenizer: { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "</s>", type_id: 0 } }],
      pair: [
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "</s>", type_id: 0 } },
        { Sequence: { id: "B", type_id: 0 } },
        { SpecialToken: { id: "</s>", type_id: 0 } },
      ],
      special_tokens: { "</s>": { id: "</s>", ids: [SP_EOS_ID], tokens: ["</s>"] } },
    },
    decoder: { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true },
    model: { type: "Unigram", unk_id: SP_UNK_ID, vocab, byte_fallback: false },
  };
}

/** Vocabulary size of the tiny tokenizer. */
export function tinySentencePieceVocabSize(): number {
  return (buildTinySentencePieceJson().model as { vocab: unknown[] }).vocab.length;
}
