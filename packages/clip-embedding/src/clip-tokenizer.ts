import { readFile } from "node:fs/promises";
import { Tokenizer } from "@huggingface/tokenizers";
import { ModelLoadError } from "@vlmopt/core";

/** Token ids of a batch, padded to one length, as int64 tensors' data. */
export interface TokenBatch {
  ids: BigInt64Array;
  attentionMask: BigInt64Array;
  batch: number;
  sequenceLength: number;
}

export interface TokenizeOptions {
  /** Pad every row to this length instead of the batch's longest row. */
  padTo?: number;
}

export interface ClipTokenizerOptions {
  /** Context length (CLIP 77; SigLIP 64). */
  contextLength?: number;
  /** Pad every batch to the context length (SigLIP pools at the last position, so it must). */
  padToContext?: boolean;
  /** Padding token (tokenizer_config.json's pad_token); default the end token. */
  padToken?: string;
  /** End token for non-CLIP tokenizers (tokenizer_config.json's eos_token); default "</s>". */
  eosToken?: string;
  source?: string;
}

/**
 * Tokenisation on a model's tokenizer.json (its own normaliser, pre-tokeniser and
 * post-processor). CLIP's BPE (it has `<|startoftext|>` / `<|endoftext|>`): start token, end
 * token, truncation to the context length keeping the end token last, padding with the end token
 * (HF's CLIPTokenizer) or the configured pad token, and a 0/1 attention mask. Other tokenizers
 * (SigLIP's SentencePiece): no start token, the end token `</s>` last, padding with the pad token
 * to the fixed context length (transformers.js's SigLIP example tokenises with
 * `padding: 'max_length'`; SigLIP's text tower reads out at the last position).
 */
export class ClipTokenizer {
  readonly bosId: number | undefined;
  readonly eosId: number;
  readonly padId: number;
  readonly contextLength: number;
  readonly padToContext: boolean;
  readonly kind: "clip-bpe" | "sentencepiece";

  constructor(
    private readonly tokenizer: Tokenizer,
    contextLengthOrOptions: number | ClipTokenizerOptions = 77,
    source = "tokenizer.json",
  ) {
    const o: ClipTokenizerOptions =
      typeof contextLengthOrOptions === "number"
        ? { contextLength: contextLengthOrOptions }
        : contextLengthOrOptions;
    const src = o.source ?? source;
    this.contextLength = o.contextLength ?? 77;
    const bos = tokenizer.token_to_id("<|startoftext|>");
    const clipEos = tokenizer.token_to_id("<|endoftext|>");
    if (bos !== undefined && clipEos !== undefined) {
      this.kind = "clip-bpe";
      this.bosId = bos;
      this.eosId = clipEos;
    } else {
      const eosToken = o.eosToken ?? "</s>";
      const eos = tokenizer.token_to_id(eosToken);
      if (eos === undefined) {
        throw new ModelLoadError(
          `${src} has neither CLIP's <|startoftext|> / <|endoftext|> nor an end token ${eosToken}`,
          {
            hint: "Use the model's own tokenizer.json (and tokenizer_config.json) from its HF repo",
          },
        );
      }
      this.kind = "sentencepiece";
      this.bosId = undefined;
      this.eosId = eos;
    }
    const pad = o.padToken === undefined ? undefined : tokenizer.token_to_id(o.padToken);
    if (o.padToken !== undefined && pad === undefined) {
      throw new ModelLoadError(`${src} has no pad token "${o.padToken}" (named in tokenizer_config.json)`, {
        hint: "Use the tokenizer.json and tokenizer_config.json of the same model",
      });
    }
    this.padId = pad ?? this.eosId;
    this.padToContext = o.padToContext ?? this.kind === "sentencepiece";
  }

  static async fromFile(
    path: string,
    contextLengthOrOptions: number | ClipTokenizerOptions = 77,
  ): Promise<ClipTokenizer> {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, "utf8"));
    } catch (error) {
      throw new ModelLoadError(`Cannot read tokenizer ${path}: ${(error as Error).message}`, {
        hint: "The model directory needs the tokenizer.json of its HF repo",
        cause: error,
      });
    }
    const o =
      typeof contextLengthOrOptions === "number"
        ? { contextLength: contextLengthOrOptions }
        : contextLengthOrOptions;
    return new ClipTokenizer(new Tokenizer(json as object, {}), { source: path, ...o });
  }

  /** Ids of one text with start and end tokens, truncated to the context length. */
  encode(text: string): number[] {
    let ids = this.tokenizer.encode(text).ids;
    if (this.bosId !== undefined && ids[0] !== this.bosId) ids = [this.bosId, ...ids];
    if (ids[ids.length - 1] !== this.eosId) ids = [...ids, this.eosId];
    if (ids.length > this.contextLength) ids = [...ids.slice(0, this.contextLength - 1), this.eosId];
    return ids;
  }

  encodeBatch(texts: readonly string[], options: TokenizeOptions = {}): TokenBatch {
    return this.padRows(
      texts.map((t) => this.encode(t)),
      options,
    );
  }

  /** Pads rows of ids from `encode` into one batch (end-token padding and a 0/1 mask). */
  padRows(rows: readonly (readonly number[])[], options: TokenizeOptions = {}): TokenBatch {
    const longest = rows.reduce((m, r) => Math.max(m, r.length), 1);
    const sequenceLength = options.padTo ?? (this.padToContext ? this.contextLength : longest);
    const ids = new BigInt64Array(rows.length * sequenceLength).fill(BigInt(this.padId));
    const attentionMask = new BigInt64Array(rows.length * sequenceLength);
    rows.forEach((r, i) => {
      for (let j = 0; j < r.length; j++) {
        ids[i * sequenceLength + j] = BigInt(r[j] as number);
        attentionMask[i * sequenceLength + j] = 1n;
      }
    });
    return { ids, attentionMask, batch: rows.length, sequenceLength };
  }
}
