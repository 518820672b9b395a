import { readdir } from "node:fs/promises";
import { basename, extname, join, relative, resolve } from "node:path";
import { IMAGE_EXTENSIONS, type OwnDataOptions, splitOwnData } from "./own-data-options.js";
import type { ProblemList } from "./problems.js";
import type { DatasetSource } from "./source.js";
import type { CoopEntry, CoopSplit } from "./types.js";

const SPLIT_DIRS = ["train", "val", "test"] as const;

async function subdirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
}

const isImage = (name: string) => IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());

/** The image files under `dir` (sorted); other files go to `skipped` (hidden ones are ignored). */
async function imagesIn(dir: string, skipped: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.name.startsWith(".")) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (isImage(e.name)) out.push(p);
      else skipped.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}

/** The non-hidden files directly in `dir` (not in a class folder, so never read). */
async function filesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => !e.isDirectory() && !e.name.startsWith(".")).map((e) => join(dir, e.name));
}

/**
 * Reads a folder of class sub-folders (`<root>/<class>/**.jpg`; class names = folder names, sorted),
 * or one with `train/`, `val/`, `test/` each holding class sub-folders (the split is then given).
 */
export async function readImageFolderSource(
  rootIn: string,
  options: OwnDataOptions,
  problems: ProblemList,
): Promise<DatasetSource | undefined> {
  const root = resolve(rootIn);
  let top: string[];
  try {
    top = await subdirs(root);
  } catch (error) {
    problems.error(
      "dataset-not-found",
      `Image folder ${root} cannot be read: ${(error as Error).message}`,
      "Point to a folder with one sub-folder per class (e.g. photos/cat/1.jpg, photos/dog/2.jpg).",
      { file: root },
    );
    return undefined;
  }
  const presplit = top.includes("train") && top.includes("test");
  const classDirs = presplit
    ? [
        ...new Set(
          (
            await Promise.all(SPLIT_DIRS.filter((s) => top.includes(s)).map((s) => subdirs(join(root, s))))
          ).flat(),
        ),
      ].sort()
    : top;
  if (classDirs.length === 0) {
    problems.error(
      "no-classes",
      `${root} has no class sub-folders`,
      "Put each class's images in its own sub-folder: <root>/<class name>/<image>.",
      { file: root },
    );
    return undefined;
  }
  const labelOf = new Map(classDirs.map((c, i) => [c, i]));
  const skipped: string[] = await filesIn(root);
  if (presplit)
    for (const s of SPLIT_DIRS) if (top.includes(s)) skipped.push(...(await filesIn(join(root, s))));
  const toEntries = async (base: string): Promise<CoopEntry[]> => {
    const out: CoopEntry[] = [];
    for (const cls of classDirs) {
      const dir = join(base, cls);
      let files: string[] = [];
      try {
        files = await imagesIn(dir, skipped);
      } catch {
        files = [];
      }
      const label = labelOf.get(cls) as number;
      for (const f of files)
        out.push([`${cls}/${f.slice(dir.length + 1).replaceAll("\\", "/")}`, label, cls]);
    }
    return out;
  };
  let split: CoopSplit;
  if (presplit) {
    split = { train: [], val: [], test: [] };
    for (const s of SPLIT_DIRS) {
      if (!top.includes(s)) continue;
      split[s] = (await toEntries(join(root, s))).map(([p, l, n]) => [`${s}/${p}`, l, n] as CoopEntry);
    }
  } else {
    split = splitOwnData(await toEntries(root), options);
  }
  return {
    name: options.name ?? basename(root),
    ...(options.description ? { description: options.description } : {}),
    classNames: classDirs,
    layout: "folder",
    datasetDir: root,
    imageDir: root,
    splitFile: null,
    split,
    generatedSplit: !presplit,
    skippedFiles: skipped.map((f) => relative(root, f).replaceAll("\\", "/")).sort(),
  };
}
