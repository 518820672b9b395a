import { join } from "node:path";
import type { DatasetInfo } from "./types.js";

/** CoOp's DATASETS.md at the commit every link below was read from. */
export const COOP_DATASETS_MD =
  "https://github.com/KaiyangZhou/CoOp/blob/ff61507c790454bce7c5052c3ac39e60772f1f89/DATASETS.md";

/**
 * Where CoOp's DATASETS.md@ff61507 says to get each split file: its dataset section (the anchor of
 * the "Datasets list" at its top) and the link of its line "Download `split_zhou_<Name>.json` from
 * this [link](...)". vlmopt does not ship these files (the project keeps shared data out of the repo).
 */
const SPLIT_FILE_LINKS: Readonly<Record<string, { section: string; url: string }>> = {
  "split_zhou_Caltech101.json": {
    section: "caltech101",
    url: "https://drive.google.com/file/d/1hyarUivQE36mY6jSomru6Fjd-JzwcCzN/view?usp=sharing",
  },
  "split_zhou_OxfordPets.json": {
    section: "oxfordpets",
    url: "https://drive.google.com/file/d/1501r8Ber4nNKvmlFVQZ8SeUHTcdTTEqs/view?usp=sharing",
  },
  "split_zhou_StanfordCars.json": {
    section: "stanfordcars",
    url: "https://drive.google.com/file/d/1ObCFbaAgVu0I-k_Au-gIUcefirdAuizT/view?usp=sharing",
  },
  "split_zhou_OxfordFlowers.json": {
    section: "flowers102",
    url: "https://drive.google.com/file/d/1Pp0sRXzZFZq15zVOzKjKBu4A9i01nozT/view?usp=sharing",
  },
  "split_zhou_Food101.json": {
    section: "food101",
    url: "https://drive.google.com/file/d/1QK0tGi096I0Ba6kggatX1ee6dJFIcEJl/view?usp=sharing",
  },
  "split_zhou_SUN397.json": {
    section: "sun397",
    url: "https://drive.google.com/file/d/1y2RD81BYuiyvebdN-JymPfyWYcd8_MUq/view?usp=sharing",
  },
  "split_zhou_DescribableTextures.json": {
    section: "dtd",
    url: "https://drive.google.com/file/d/1u3_QfB467jqHgNXC00UIzbLZRQCg2S7x/view?usp=sharing",
  },
  "split_zhou_EuroSAT.json": {
    section: "eurosat",
    url: "https://drive.google.com/file/d/1Ip7yaCWFi0eaOFUGga0lUdVi_DDQth1o/view?usp=sharing",
  },
  "split_zhou_UCF101.json": {
    section: "ucf101",
    url: "https://drive.google.com/file/d/1I0S0q91hJfsV9Gf4xDIjgDq4AqBNJb1y/view?usp=sharing",
  },
};

/** "from <drive url> (the link in CoOp's DATASETS.md, <url>#eurosat)" for a split file name. */
export function splitFileSource(splitFile: string): string {
  const link = SPLIT_FILE_LINKS[splitFile];
  return link
    ? `from ${link.url} (the link in CoOp's DATASETS.md, ${COOP_DATASETS_MD}#${link.section})`
    : `as CoOp's DATASETS.md says (${COOP_DATASETS_MD})`;
}

/** The split file names that have a link (tests: every plan's split file has one). */
export const LINKED_SPLIT_FILES: readonly string[] = Object.keys(SPLIT_FILE_LINKS);

/**
 * What to do when a dataset's images are in `datasetDir` but CoOp's split file is not: the exact
 * file, where CoOp's DATASETS.md says to get it, where to put it, and the `--splits` alternative.
 */
export function missingSplitFileFix(info: DatasetInfo, datasetDir: string, root: string): string {
  const file = info.layout.splitFile ?? "";
  return (
    `Get ${file} ${splitFileSource(file)} and put it at ${join(datasetDir, file)}` +
    ` (plain or .gz), or run \`vlmopt datasets download ${info.name} --root ${root} --splits <dir>\`` +
    ` with <dir> laid out like ../shared/datasets/coop_splits (${file}[.gz], fewshot/${info.name}.json.gz);` +
    ` then run \`vlmopt datasets check ${info.name} --data-root ${root}\`.`
  );
}
