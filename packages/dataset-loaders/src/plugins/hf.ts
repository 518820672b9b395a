import { sourceEntry } from "../dataset-source-entry.js";

/** `hf:<repo>[@revision][:split]`: a Hugging Face dataset in parquet (hf/hf-source.ts). */
export const hfDatasets = sourceEntry({
  prefixes: ["hf"],
  help: [
    {
      form: "hf:<owner>/<name>[@revision][:split]",
      description:
        "a Hugging Face image dataset in parquet (Image + ClassLabel features), downloaded into the HF hub cache",
    },
  ],
  parse: (rest, _prefix, spec) => ({ kind: "hf" as const, rest, spec }),
  async read(p, _root, own, problems) {
    const { readHfSource } = await import("../hf/hf-source.js");
    return readHfSource(p.rest, own, problems);
  },
});
