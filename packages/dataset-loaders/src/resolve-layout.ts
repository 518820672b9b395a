import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { CoopLayout, DatasetInfo } from "./types.js";

/** Where a registry dataset was found on disk, and in which layout. */
export interface ResolvedLayout {
  /**
   * "shared": images/ + split.json; "coop": CoOp's DATASETS.md layout with a split file;
   * "fgvc-variants": FGVC's variant lists; "coop-imagenet": CoOp's ImageNet (images/train|val/<wnid>/).
   */
  kind: "shared" | "coop" | "fgvc-variants" | "coop-imagenet";
  datasetDir: string;
  /** Folder the split paths are relative to. */
  imageDir: string;
  /** The split file (null for "fgvc-variants" and "coop-imagenet"). */
  splitFile: string | null;
  /** classnames.txt of the shared layout (or CoOp ImageNet's "wnid name" list), if present. */
  classNamesFile: string | null;
  /** CoOp's layout of the dataset (registry datasets): maps the absolute paths in CoOp's pickles. */
  coopLayout: CoopLayout | null;
  /** Folders that may hold `shot_K-seed_S.json`. */
  fewshotDirs: string[];
  /** Per-dataset few-shot collections found near the root (`coop_splits/fewshot/<name>.json.gz`). */
  fewshotCollections: string[];
}

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

const firstExisting = (...paths: string[]): string | undefined => paths.find((p) => existsSync(p));

/** Candidate dataset folders for `info` under `root`, in lookup order (root itself first). */
export function candidateDirs(info: DatasetInfo, root: string): string[] {
  const names = [info.layout.datasetDir, info.name, ...info.folderNames, ...info.aliases];
  return [...new Set([root, ...names.map((n) => join(root, n))])];
}

function collections(info: DatasetInfo, root: string, datasetDir: string): string[] {
  const found = new Set<string>();
  for (const base of [root, dirname(datasetDir)]) {
    for (const dir of [join(base, "coop_splits", "fewshot"), join(base, "fewshot")]) {
      const file = firstExisting(join(dir, `${info.name}.json.gz`), join(dir, `${info.name}.json`));
      if (file) found.add(file);
    }
  }
  return [...found];
}

/** An embedded dataset (the demo) is where the package put it, whatever the root. */
function embeddedLayout(info: DatasetInfo, dir: string, searched: string[]): ResolvedLayout | undefined {
  const split = join(dir, "split.json");
  searched.push(split);
  if (!existsSync(split)) return undefined;
  return {
    kind: "shared",
    datasetDir: dir,
    imageDir: join(dir, info.layout.imageDir),
    splitFile: split,
    classNamesFile: firstExisting(join(dir, "classnames.txt")) ?? null,
    coopLayout: info.layout,
    fewshotDirs: [join(dir, info.layout.fewshotDir)],
    fewshotCollections: [],
  };
}

/**
 * Finds a registry dataset under `root` (a CoOp data root, the shared datasets folder, or the
 * dataset's own folder). Returns undefined when no split file is found; `searched` lists where it looked.
 */
export function resolveLayout(
  info: DatasetInfo,
  rootIn: string,
  searched: string[],
): ResolvedLayout | undefined {
  if (info.embeddedDir) return embeddedLayout(info, info.embeddedDir, searched);
  const root = resolve(rootIn);
  for (const dir of candidateDirs(info, root)) {
    if (!isDir(dir)) continue;
    const shared = firstExisting(join(dir, "split.json"), join(dir, "split.json.gz"));
    searched.push(join(dir, "split.json"));
    if (shared) {
      return {
        kind: "shared",
        datasetDir: dir,
        imageDir: join(dir, "images"),
        splitFile: shared,
        classNamesFile: firstExisting(join(dir, "classnames.txt")) ?? null,
        coopLayout: info.layout,
        fewshotDirs: [join(dir, "split_fewshot")],
        fewshotCollections: collections(info, root, dir),
      };
    }
    if (info.wnids) {
      const images = join(dir, info.layout.imageDir);
      searched.push(join(images, "val"));
      if (isDir(join(images, "val")) || isDir(join(images, "train"))) {
        return {
          kind: "coop-imagenet",
          datasetDir: dir,
          imageDir: images,
          splitFile: null,
          classNamesFile: firstExisting(join(dir, "classnames.txt")) ?? null,
          coopLayout: info.layout,
          fewshotDirs: [join(dir, info.layout.fewshotDir)],
          fewshotCollections: collections(info, root, dir),
        };
      }
    }
    const { splitFile } = info.layout;
    if (splitFile) {
      searched.push(join(dir, splitFile));
      const coop = firstExisting(join(dir, splitFile), join(dir, `${splitFile}.gz`));
      if (coop) {
        return {
          kind: "coop",
          datasetDir: dir,
          imageDir: join(dir, info.layout.imageDir),
          splitFile: coop,
          classNamesFile: null,
          coopLayout: info.layout,
          fewshotDirs: [join(dir, info.layout.fewshotDir)],
          fewshotCollections: collections(info, root, dir),
        };
      }
    }
    if (info.name === "fgvc_aircraft") {
      searched.push(join(dir, "images_variant_test.txt"));
      if (existsSync(join(dir, "images_variant_test.txt"))) {
        return {
          kind: "fgvc-variants",
          datasetDir: dir,
          imageDir: join(dir, info.layout.imageDir),
          splitFile: null,
          classNamesFile: null,
          coopLayout: info.layout,
          fewshotDirs: [join(dir, info.layout.fewshotDir)],
          fewshotCollections: collections(info, root, dir),
        };
      }
    }
  }
  // No dataset folder with a split file: fall back to CoOp's split file shipped next to the root
  // (e.g. ../shared/datasets/coop_splits), with the images where CoOp's layout expects them.
  if (info.layout.splitFile) {
    const name = info.layout.splitFile;
    const candidates = [join(root, "coop_splits", `${name}.gz`), join(root, "coop_splits", name)];
    searched.push(candidates[0] as string);
    const file = firstExisting(...candidates);
    if (file) {
      const datasetDir = join(root, info.layout.datasetDir);
      return {
        kind: "coop",
        datasetDir,
        imageDir: join(datasetDir, info.layout.imageDir),
        splitFile: file,
        classNamesFile: null,
        coopLayout: info.layout,
        fewshotDirs: [join(datasetDir, info.layout.fewshotDir)],
        fewshotCollections: collections(info, root, datasetDir),
      };
    }
  }
  return undefined;
}
