import { ConfigError } from "@vlmopt/core";

/** `hf:<owner>/<name>[@revision][:split]`, parsed. */
export interface HfSpec {
  repo: string;
  /** Branch, tag or commit (default "main"); may hold "/" (`refs/convert/parquet`). */
  revision: string;
  /** One split of the dataset ("train", "test", ...): only its parquet files are read; null = all. */
  split: string | null;
}

const REPO_RE = /^[\w.-]+\/[\w.-]+$/;

/**
 * Parses the text after `hf:`. A git ref cannot hold ":" (git check-ref-format), so the last ":"
 * starts the split and the first "@" starts the revision.
 */
export function parseHfSpec(rest: string): HfSpec {
  let body = rest.trim();
  let split: string | null = null;
  const colon = body.lastIndexOf(":");
  if (colon >= 0) {
    split = body.slice(colon + 1);
    body = body.slice(0, colon);
    if (!/^[\w.-]+$/.test(split)) {
      throw new ConfigError(`"hf:${rest}": "${split}" is not a split name`, {
        hint: "Use hf:<owner>/<name>[@revision][:split], e.g. hf:tanganke/eurosat:test",
      });
    }
  }
  const at = body.indexOf("@");
  const repo = at >= 0 ? body.slice(0, at) : body;
  const revision = at >= 0 ? body.slice(at + 1) : "main";
  if (!REPO_RE.test(repo) || revision === "") {
    throw new ConfigError(`"hf:${rest}" is not a Hugging Face dataset spec`, {
      hint: "Use hf:<owner>/<name>[@revision][:split], e.g. hf:tanganke/eurosat or hf:user/data@refs/convert/parquet:train",
    });
  }
  return { repo, revision, split };
}

/**
 * The split a parquet file belongs to, from its path, as `datasets` infers it
 * (huggingface/datasets src/datasets/data_files.py: SPLIT_PATTERN_SHARDED
 * `data/{split}-00000-of-00001*.*`, and SPLIT_KEYWORDS in file or folder names, separated by
 * "-._ 0-9" or "/"); a file with no keyword is "train", as there.
 */
export function splitOfParquetPath(path: string): string {
  const sharded = /(?:^|\/)data\/([^/]+?)-\d{5}-of-\d{5}[^/]*$/.exec(path);
  if (sharded) return normalizeSplit(sharded[1] as string);
  const words = path.toLowerCase().split(/[-._ 0-9/]+/);
  for (const [split, keys] of SPLIT_KEYWORDS) if (words.some((w) => keys.includes(w))) return split;
  return "train";
}

const SPLIT_KEYWORDS: readonly [string, readonly string[]][] = [
  ["train", ["train", "training"]],
  ["validation", ["validation", "valid", "dev", "val"]],
  ["test", ["test", "testing", "eval", "evaluation"]],
];

/** "valid", "dev", "val" -> "validation"; "training" -> "train"; others as they are. */
export function normalizeSplit(name: string): string {
  const lower = name.toLowerCase();
  for (const [split, keys] of SPLIT_KEYWORDS) if (keys.includes(lower)) return split;
  return lower;
}
