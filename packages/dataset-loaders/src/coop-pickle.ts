import { readFile } from "node:fs/promises";
import { ParseError } from "@vlmopt/core";
import { PickleGlobal, PickleObject, type PickleValue, unpickle } from "./pickle.js";
import type { ProblemList } from "./problems.js";
import type { CoopEntry, CoopLayout, FewShotSplit } from "./types.js";

/** True for a file read as a pickle (by its `.pkl` name, as CoOp names them). */
export function isPickleFile(path: string): boolean {
  return /\.pkl$/i.test(path);
}

const marker = (l: CoopLayout): string => [l.datasetDir, l.imageDir].filter(Boolean).join("/");

/**
 * The path of `impath` relative to CoOp's image dir: the part after the last `<datasetDir>/<imageDir>/`
 * of one of `layouts` (e.g. `.../eurosat/2750/Forest/Forest_1.jpg` → `Forest/Forest_1.jpg`); with a
 * single layout, also after its last `/<imageDir>/`. Undefined when no layout matches.
 */
export function coopRelativePath(impath: string, layouts: readonly CoopLayout[]): string | undefined {
  const path = `/${impath.replaceAll("\\", "/").replace(/^\/+/, "")}`;
  const after = (m: string): string | undefined => {
    const at = path.lastIndexOf(`/${m}/`);
    if (at < 0) return undefined;
    const rel = path.slice(at + m.length + 2);
    return rel && !rel.split("/").includes("..") ? rel : undefined;
  };
  for (const l of layouts) {
    const rel = after(marker(l));
    if (rel) return rel;
  }
  const only = layouts.length === 1 ? layouts[0] : undefined;
  return only?.imageDir ? after(only.imageDir) : undefined;
}

const attr = (obj: PickleObject, name: string): PickleValue | undefined => obj.attributes?.get(name);

const className = (obj: PickleObject): string =>
  obj.cls instanceof PickleGlobal ? `${obj.cls.module}.${obj.cls.name}` : "an unnamed class";

/** CoOp's pickled `{"train": [Datum, ...], "val": [Datum, ...]}` as a few-shot split (paths mapped). */
export function fewShotFromPickle(
  value: PickleValue,
  file: string,
  layouts: readonly CoopLayout[],
  problems: ProblemList,
): FewShotSplit | undefined {
  if (!(value instanceof Map) || !Array.isArray(value.get("train"))) {
    problems.error(
      "fewshot-schema",
      `${file} is not CoOp's few-shot pickle (a dict with a "train" list of Datum objects)`,
      'Use CoOp\'s split_fewshot/shot_K-seed_S.pkl unchanged, or its JSON form {"train": [[relpath, label, classname], ...], "val": [...]}.',
      { file },
    );
    return undefined;
  }
  const where = layouts.map((l) => `${marker(l)}/`).join(" or ") || "the dataset's image folder";
  const list = (name: "train" | "val"): CoopEntry[] => {
    const items = value.get(name);
    if (items === undefined) return [];
    if (!Array.isArray(items)) {
      problems.error("fewshot-schema", `"${name}" in ${file} is not a list`, "Use CoOp's pickle unchanged.", {
        file,
        entry: name,
      });
      return [];
    }
    const out: CoopEntry[] = [];
    const invalid: string[] = [];
    const unmapped: string[] = [];
    items.forEach((item, index) => {
      const impath = item instanceof PickleObject ? attr(item, "_impath") : undefined;
      const label = item instanceof PickleObject ? attr(item, "_label") : undefined;
      const cls = item instanceof PickleObject ? attr(item, "_classname") : undefined;
      if (typeof impath !== "string" || typeof label !== "number" || !Number.isInteger(label)) {
        const what = item instanceof PickleObject ? `${className(item)} without _impath/_label` : typeof item;
        invalid.push(`${name}[${index}] (${what})`);
        return;
      }
      const rel = coopRelativePath(impath, layouts);
      if (rel === undefined) {
        unmapped.push(`${name}[${index}] ${impath}`);
        return;
      }
      out.push([rel, label, typeof cls === "string" ? cls : ""]);
    });
    problems.items({
      severity: "error",
      code: "fewshot-entry-invalid",
      file,
      items: invalid,
      one: (item) => `Entry ${item} of ${file} is not a Datum with _impath and _label`,
      many: (n) => `${n} entries of "${name}" in ${file} are not Datum objects with _impath and _label`,
      fix: "Use CoOp's pickle unchanged (a list of dassl Datum objects).",
    });
    problems.items({
      severity: "error",
      code: "fewshot-path-unmapped",
      file,
      items: unmapped,
      one: (item) =>
        `Entry ${item} of ${file} has no ${where} in its path, so it cannot be mapped to an image`,
      many: (n) => `${n} entries of "${name}" in ${file} have no ${where} in their paths`,
      fix: `CoOp's pickles store absolute paths; each must contain CoOp's image folder (${where}) so the part after it can be found under your image folder. Use the pickle made for this dataset, or convert it to JSON with relative paths.`,
    });
    return out;
  };
  return { train: list("train"), val: list("val") };
}

/** Reads and decodes a CoOp few-shot pickle into `problems` (missing file, undecodable pickle, bad entries). */
export async function readFewShotPickle(
  path: string,
  layouts: readonly CoopLayout[],
  problems: ProblemList,
): Promise<FewShotSplit | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    problems.error(
      missing ? "file-missing" : "file-unreadable",
      missing ? `File ${path} does not exist` : `Cannot read ${path}: ${(error as Error).message}`,
      missing ? "Check the path of the few-shot file." : "Check the file's permissions.",
      { file: path },
    );
    return undefined;
  }
  let value: PickleValue;
  try {
    value = unpickle(bytes, path);
  } catch (error) {
    if (!ParseError.isInstance(error)) throw error;
    problems.error("pickle-invalid", (error as ParseError).message, (error as ParseError).hint ?? "", {
      file: path,
    });
    return undefined;
  }
  return fewShotFromPickle(value, path, layouts, problems);
}
