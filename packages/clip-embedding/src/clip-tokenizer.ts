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

/**
 * CLIP tokenisation on a tokenizer.json: normalise and lower-case (the tokenizer's own
 * normaliser), start token, end token, truncation to the context length keeping the end token
 * last, padding with the end token (as HF's CLIPTokenizer does) and a 0/1 attention mask.
 */
export class ClipTokenizer {
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;

  constructor(
    private readonly tokenizer: Tokenizer,
    readonly contextLength = 77,
    source = "tokenizer.json",
  ) {
    const bos = tokenizer.token_to_id("<|startoftext|>");
    const eos = tokenizer.token_to_id("<|endoftext|>");
    if (bos === undefined || eos === undefined) {
      throw new ModelLoadError(`${source} has no <|startoftext|> / <|endoftext|> tokens`, {
        hint: "Use a CLIP tokenizer.json (the model's own, from its HF repo)",
      });
    }
    this.bosId = bos;
    this.eosId = eos;
    this.padId = eos;
  }

  static async fromFile(path: string, contextLength = 77): Promise<ClipTokenizer> {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, "utf8"));
    } catch (error) {
      throw new ModelLoadError(`Cannot read tokenizer ${path}: ${(error as Error).message}`, {
        hint: "The model directory needs the tokenizer.json of its HF repo",
        cause: error,
      });
    }
    return new ClipTokenizer(new Tokenizer(json as object, {}), contextLength, path);
  }

  /** Ids of one text with start and end tokens, truncated to the context length. */
  encode(text: string): number[] {
    let ids = this.tokenizer.encode(text).ids;
    if (ids[0] !== this.bosId) ids = [this.bosId, ...ids];
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
    const sequenceLength = options.padTo ?? longest;
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
