import type { DownloadOptions } from "@vlmopt/clip-embedding/hub";
import type { HfOptions } from "./hf/hf-source.js";
import type { ProblemList } from "./problems.js";
import type { DatasetSource } from "./source.js";
import { readWdsSource, type WdsOptions } from "./wds-source.js";

const SHARD_RE = /^(?:train|val|test)\/[^/]+\.tar$/;

/**
 * `wds:<owner>/<name>[@revision]`: clip_benchmark's WebDataset shards from the HF hub, as its README
 * runs them (`--dataset_root https://huggingface.co/datasets/clip-benchmark/wds_{dataset_cleaned}/tree/main`,
 * LAION-AI/CLIP_benchmark benchmark/README.md): the dataset repo's `classnames.txt` and
 * `<split>/<n>.tar` shards are downloaded into the HF hub cache (resumable, checksummed), then read
 * as a local `wds:<dir>` from the snapshot folder.
 */
export async function readWdsHubSource(
  rest: string,
  options: WdsOptions & HfOptions,
  problems: ProblemList,
): Promise<DatasetSource | undefined> {
  const at = rest.indexOf("@");
  const repo = at >= 0 ? rest.slice(0, at) : rest;
  const revision = at >= 0 ? rest.slice(at + 1) : "main";
  const hub = await import("@vlmopt/clip-embedding/hub");
  const dl: DownloadOptions = { ...options.hub, repoType: "dataset", revision };
  const files = await hub.listRepoFiles(repo, dl);
  const shards = files.filter((f) => SHARD_RE.test(f)).sort();
  if (!files.includes("classnames.txt") || shards.length === 0) {
    problems.error(
      "wds-hub-layout",
      `hub dataset ${repo}@${revision} is not in clip_benchmark's WebDataset layout: ${
        files.includes("classnames.txt") ? "" : "no classnames.txt"
      }${!files.includes("classnames.txt") && shards.length === 0 ? ", " : ""}${shards.length === 0 ? "no <split>/<n>.tar shards" : ""}`,
      "Use one of clip_benchmark's repos, e.g. wds:clip-benchmark/wds_eurosat, or hf:<repo> for parquet datasets.",
      { file: `${repo}@${revision}` },
    );
    return undefined;
  }
  const result = await hub.downloadRepoFiles(repo, ["classnames.txt", ...shards], dl);
  const source = await readWdsSource(
    result.dir,
    { ...options, name: options.name ?? repo.split("/")[1] ?? repo },
    problems,
  );
  return source ? { ...source, layout: "wds-hub" } : undefined;
}
