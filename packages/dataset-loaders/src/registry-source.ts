import { existsSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { classNamesFromEntries, compareClassNames, readClassNamesFile } from "./class-names-file.js";
import { missingSplitFileFix } from "./coop-split-links.js";
import { readFgvcVariants } from "./fgvc-variants.js";
import { readImageNetSource } from "./imagenet-source.js";
import { readJsonFile } from "./json-file.js";
import type { ProblemList } from "./problems.js";
import { candidateDirs, type ResolvedLayout, resolveLayout } from "./resolve-layout.js";
import type { DatasetSource } from "./source.js";
import { parseSplitValue } from "./split-file.js";
import type { CoopSplit, DatasetInfo } from "./types.js";

/**
 * A dataset folder under `root` that holds CoOp's image folder but not its split file (e.g. right
 * after `datasets download` without `--splits`), or undefined.
 */
function imagesWithoutSplitFile(info: DatasetInfo, rootIn: string): string | undefined {
  if (!info.layout.splitFile) return undefined;
  const root = resolve(rootIn);
  const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
  return candidateDirs(info, root).find((dir) =>
    // StanfordCars' split paths are relative to the dataset folder itself (imageDir "").
    info.layout.imageDir === "" ? dir !== root && isDir(dir) : isDir(join(dir, info.layout.imageDir)),
  );
}

/** Reads one of the paper's datasets from `root` (any layout resolveLayout knows). */
export async function readRegistrySource(
  info: DatasetInfo,
  root: string,
  problems: ProblemList,
): Promise<DatasetSource | undefined> {
  const searched: string[] = [];
  const layout = resolveLayout(info, root, searched);
  if (!layout) {
    const dir = imagesWithoutSplitFile(info, root);
    if (dir && info.layout.splitFile) {
      problems.error(
        "split-file-missing",
        `${info.displayName}'s images are in ${join(dir, info.layout.imageDir)}, but CoOp's split file ${info.layout.splitFile} is not in ${dir}, so the dataset does not load`,
        missingSplitFileFix(info, dir, resolve(root)),
        { file: join(dir, info.layout.splitFile) },
      );
      return undefined;
    }
    problems.error(
      "dataset-not-found",
      `${info.displayName} not found under ${resolve(root)} (looked for: ${searched.join(", ")})`,
      `Lay it out as CoOp does: <root>/${info.layout.datasetDir}/${info.layout.imageDir ? `${info.layout.imageDir}/` : ""}…${info.layout.splitFile ? ` and <root>/${info.layout.datasetDir}/${info.layout.splitFile}` : ""}. Get it from: ${info.source}`,
      { file: resolve(root) },
    );
    return undefined;
  }
  if (layout.kind === "coop-imagenet") return readImageNetSource(info, layout, problems);
  let split: CoopSplit | undefined;
  if (layout.kind === "fgvc-variants") split = await readFgvcVariants(layout.datasetDir, problems);
  else if (layout.splitFile)
    split = parseSplitValue(await readJsonFile(layout.splitFile, problems), layout.splitFile, problems);
  if (layout.classNamesFile) {
    const names = await readClassNamesFile(layout.classNamesFile, problems);
    if (names) compareClassNames(names, info.classNames, layout.classNamesFile, problems);
  }
  if (!split) return undefined;
  return {
    name: info.name,
    displayName: info.displayName,
    description: info.description,
    classNames: info.classNames,
    layout: layout.kind,
    datasetDir: layout.datasetDir,
    imageDir: layout.imageDir,
    splitFile: layout.splitFile ?? join(layout.datasetDir, "images_variant_test.txt"),
    split,
    generatedSplit: false,
    info,
    fewshot: layout,
  };
}

/** A folder with `split.json` (+ `images/`, optional `classnames.txt`, `split_fewshot/`) that is not in the registry. */
export async function readSplitDirSource(
  dir: string,
  splitFile: string,
  problems: ProblemList,
): Promise<DatasetSource | undefined> {
  const split = parseSplitValue(await readJsonFile(splitFile, problems), splitFile, problems);
  if (!split) return undefined;
  const classNamesFile = join(dir, "classnames.txt");
  const fromFile = existsSync(classNamesFile)
    ? await readClassNamesFile(classNamesFile, problems)
    : undefined;
  const classNames =
    fromFile ?? classNamesFromEntries([...split.train, ...split.val, ...split.test], splitFile, problems);
  const layout: ResolvedLayout = {
    kind: "shared",
    datasetDir: dir,
    imageDir: join(dir, "images"),
    splitFile,
    classNamesFile: fromFile ? classNamesFile : null,
    coopLayout: null,
    fewshotDirs: [join(dir, "split_fewshot")],
    fewshotCollections: [],
  };
  return {
    name: basename(dir),
    classNames,
    layout: "split-dir",
    datasetDir: dir,
    imageDir: layout.imageDir,
    splitFile,
    split,
    generatedSplit: false,
    fewshot: layout,
  };
}
