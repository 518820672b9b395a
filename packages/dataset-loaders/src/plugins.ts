/**
 * The dataset-source entries of this package (`@vlmopt/dataset-loaders/plugins`), light: the
 * loaders are imported inside `load` / `check`. The paper's datasets, folders, manifests and local
 * `wds:<dir>` still go through `loadDataset`'s own dispatch (the registry's fallback).
 */
import { type DatasetSourcePlugin, defineDatasetSource } from "@vlmopt/core";
import { isHubWdsSpec } from "./hub-spec.js";

const loaders = () => import("./load-dataset.js");
const checker = () => import("./check-dataset.js");

/** `hf:<repo>[@revision][:split]`: a Hugging Face dataset in parquet (hf/hf-source.ts). */
export const hfDatasetSource = defineDatasetSource({
  specificationVersion: "v1",
  kind: "dataset-source",
  prefixes: ["hf"],
  help: [
    {
      form: "hf:<owner>/<name>[@revision][:split]",
      description:
        "a Hugging Face image dataset in parquet (Image + ClassLabel features), downloaded into the HF hub cache",
    },
  ],
  parse: (rest: string) => rest,
  load: async (rest: string, options) => (await loaders()).loadDataset(`hf:${rest}`, options),
  check: async (rest: string, options) => (await checker()).checkDataset(`hf:${rest}`, options.root, options),
});

/** `wds:<owner>/<name>[@revision]` (no such local folder): clip_benchmark's shards from the hub. */
export const wdsHubDatasetSource = defineDatasetSource({
  specificationVersion: "v1",
  kind: "dataset-source",
  matches: (spec: string) => isHubWdsSpec(spec),
  help: [
    {
      form: "wds:<owner>/<name>[@revision]",
      description:
        "clip_benchmark's WebDataset shards from a hub dataset repo, e.g. wds:clip-benchmark/wds_eurosat",
    },
  ],
  parse: (_rest: string, _prefix: string | null, spec: string) => spec,
  load: async (spec: string, options) => (await loaders()).loadDataset(spec, options),
  check: async (spec: string, options) => (await checker()).checkDataset(spec, options.root, options),
});

export const datasetSourcePlugins: readonly DatasetSourcePlugin[] = [
  hfDatasetSource as DatasetSourcePlugin,
  wdsHubDatasetSource as DatasetSourcePlugin,
];
