import { join } from "node:path";
import { mapLimit } from "./concurrency.js";
import { listFolder } from "./dir-list.js";
import { readTextFile } from "./json-file.js";
import type { ProblemList } from "./problems.js";
import type { ResolvedLayout } from "./resolve-layout.js";
import type { DatasetSource } from "./source.js";
import type { CoopEntry, DatasetInfo, ProblemSeverity } from "./types.js";

const WNID_RE = /^n\d{8}$/;

/**
 * CoOp's `imagenet/classnames.txt` ("n01440764 tench" per line): the wnids in label order, checked
 * against the registry (unknown wnids are errors; other names, a subset or another order are warnings).
 */
export async function readWnidClassNames(
  file: string,
  info: DatasetInfo,
  problems: ProblemList,
): Promise<{ wnids: string[]; names: Map<string, string> } | undefined> {
  const text = await readTextFile(file, problems);
  if (text === undefined) return undefined;
  const wnids: string[] = [];
  const names = new Map<string, string>();
  const malformed: string[] = [];
  const duplicate: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    const match = /^(\S+)\s+(.+)$/.exec(line);
    if (!match || !WNID_RE.test(match[1] as string)) {
      malformed.push(`line ${index + 1}: ${JSON.stringify(line.slice(0, 60))}`);
      return;
    }
    const [, wnid, name] = match as unknown as [string, string, string];
    if (names.has(wnid)) duplicate.push(`line ${index + 1}: ${wnid}`);
    else {
      wnids.push(wnid);
      names.set(wnid, name.trim());
    }
  });
  const fileFix =
    'Use CoOp\'s imagenet/classnames.txt: one "<wnid> <class name>" line per class (e.g. "n01440764 tench").';
  problems.items({
    severity: "error",
    code: "classnames-line-invalid",
    file,
    items: malformed,
    one: (item) => `${file} ${item} is not "<wnid> <class name>"`,
    many: (n) => `${n} lines of ${file} are not "<wnid> <class name>"`,
    fix: fileFix,
  });
  problems.items({
    severity: "error",
    code: "wnid-duplicate",
    file,
    items: duplicate,
    one: (item) => `${file} lists a wnid twice (${item})`,
    many: (n) => `${n} wnids are listed twice in ${file}`,
    fix: fileFix,
  });
  const registry = info.wnids ?? [];
  const index = new Map(registry.map((w, i) => [w, i]));
  problems.items({
    severity: "error",
    code: "wnid-unknown",
    file,
    items: wnids.filter((w) => !index.has(w)),
    one: (wnid) => `${file} lists ${wnid}, which is not one of ImageNet-1k's 1,000 wnids`,
    many: (n) => `${n} wnids in ${file} are not ImageNet-1k wnids`,
    fix: "Only ILSVRC-2012's 1,000 classes are supported: remove these lines (and their image folders).",
  });
  const renamed = wnids
    .filter((w) => index.has(w) && info.classNames[index.get(w) as number] !== names.get(w))
    .map((w) => `${w} "${names.get(w)}" (CoOp: "${info.classNames[index.get(w) as number]}")`);
  problems.items({
    severity: "warning",
    code: "class-name-mismatch",
    file,
    items: renamed,
    one: (item) => `Class name in ${file} differs from CoOp's: ${item}; CoOp's name is used`,
    many: (n) => `${n} class names in ${file} differ from CoOp's; CoOp's names are used`,
    fix: "Nothing to do for loading (the registry's CoOp names are used); use CoOp's classnames.txt to silence this.",
  });
  if (wnids.length > 0 && wnids.length !== registry.length) {
    problems.warning(
      "class-count-mismatch",
      `${file} lists ${wnids.length} classes; ImageNet has ${registry.length}, so labels (0..${wnids.length - 1}, in this file's order) differ from CoOp's`,
      "Fine for a subset with its own few-shot lists; for CoOp's protocol list all 1,000 wnids (CoOp's classnames.txt).",
      { file },
    );
  }
  const known = wnids.filter((w) => index.has(w));
  if (
    known.some((w, i) => i > 0 && (index.get(w) as number) < (index.get(known[i - 1] as string) as number))
  ) {
    problems.warning(
      "class-order-differs",
      `${file} does not list the wnids in CoOp's (sorted) order; labels follow this file`,
      "CoOp's labels are the sorted wnid order: sort the lines (CoOp's classnames.txt is sorted) unless your few-shot lists use this order.",
      { file },
    );
  }
  return { wnids, names };
}

/** Lists `<imageDir>/<split>/<wnid>/` for every wnid; problems for a missing folder and missing/extra wnid folders. */
async function scanSplit(
  imageDir: string,
  split: "train" | "val",
  wnids: readonly string[],
  classNames: readonly string[],
  severity: ProblemSeverity,
  countOnly: boolean,
  problems: ProblemList,
  getFrom: string,
): Promise<{ entries: CoopEntry[]; count: number } | undefined> {
  const dir = join(imageDir, split);
  let top: Awaited<ReturnType<typeof listFolder>>;
  try {
    top = await listFolder(dir, { countOnly: true });
  } catch (error) {
    const use =
      split === "val"
        ? "CoOp's ImageNet test split"
        : "ImageNet's full train split and CoOp's few-shot images";
    problems.add({
      severity,
      code: "image-dir-missing",
      file: dir,
      message: `ImageNet folder ${dir} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); it holds ${use}`,
      fix: `Put ILSVRC-2012 ${split} images in ${dir}/<wnid>/, one folder per class. Get them from: ${getFrom}`,
    });
    return undefined;
  }
  if (top.dirs.length === 0 && top.imageCount > 0) {
    problems.add({
      severity,
      code: "imagenet-flat-folder",
      file: dir,
      message: `${dir} holds ${top.imageCount} images directly, not in wnid folders`,
      fix: `CoOp expects ${dir}/<wnid>/<image>.JPEG: move each image into its class's wnid folder (for ILSVRC-2012 val, e.g. with the widely used valprep.sh).`,
    });
    return undefined;
  }
  const present = new Set(top.dirs);
  const wanted = new Set(wnids);
  problems.items({
    severity,
    code: "wnid-folder-missing",
    items: wnids.filter((w) => !present.has(w)).map((w) => join(dir, w)),
    itemIsFile: true,
    one: (item) => `ImageNet ${split} folder ${item} is missing`,
    many: (n) => `${n} of ${wnids.length} wnid folders are missing in ${dir}`,
    fix: `Every class needs its folder ${dir}/<wnid>/ with its images. Get them from: ${getFrom}`,
  });
  problems.items({
    severity: "warning",
    code: "wnid-folder-extra",
    items: top.dirs.filter((d) => !wanted.has(d)).map((d) => join(dir, d)),
    itemIsFile: true,
    one: (item) => `${item} is not a class of this dataset and is ignored`,
    many: (n) => `${n} folders in ${dir} are not classes of this dataset and are ignored`,
    fix: "Remove them, or add their wnids to imagenet/classnames.txt if they are classes.",
  });
  const labelled = wnids.map((wnid, label) => ({ wnid, label })).filter((c) => present.has(c.wnid));
  const lists = await mapLimit(labelled, 8, async ({ wnid, label }) => {
    const listing = await listFolder(join(dir, wnid), { countOnly });
    const name = classNames[label] as string;
    return {
      count: listing.imageCount,
      entries: listing.images.map((f): CoopEntry => [`${split}/${wnid}/${f}`, label, name]),
    };
  });
  return { entries: lists.flatMap((l) => l.entries), count: lists.reduce((n, l) => n + l.count, 0) };
}

/**
 * CoOp's ImageNet layout: `imagenet/images/{train,val}/<wnid>/*.JPEG` and (optionally)
 * `imagenet/classnames.txt`. Labels follow classnames.txt's wnid order, or the registry's (sorted)
 * order without it; class names are CoOp's (the registry's). Test = all of images/val; the full
 * train split (1.28M files) is only listed when asked for (`deferredTrain`), folder by folder.
 */
export async function readImageNetSource(
  info: DatasetInfo,
  layout: ResolvedLayout,
  problems: ProblemList,
): Promise<DatasetSource | undefined> {
  const registry = info.wnids ?? [];
  let wnids: readonly string[] = registry;
  let fileNames = new Map<string, string>();
  if (layout.classNamesFile) {
    const read = await readWnidClassNames(layout.classNamesFile, info, problems);
    if (!read) return undefined;
    wnids = read.wnids;
    fileNames = read.names;
  }
  const index = new Map(registry.map((w, i) => [w, i]));
  const classNames = wnids.map((w) => {
    const i = index.get(w);
    return i === undefined ? (fileNames.get(w) ?? w) : (info.classNames[i] as string);
  });
  const test = await scanSplit(
    layout.imageDir,
    "val",
    wnids,
    classNames,
    "error",
    false,
    problems,
    info.source,
  );
  if (!test) return undefined;
  // Train folders are warnings: zero-shot and K-shot use need none or only the listed images (checked
  // one by one); a partly missing train split still fails a full load through its empty classes.
  const train = (countOnly: boolean, p: ProblemList) =>
    scanSplit(layout.imageDir, "train", wnids, classNames, "warning", countOnly, p, info.source);
  return {
    name: info.name,
    displayName: info.displayName,
    description: info.description,
    classNames,
    layout: layout.kind,
    datasetDir: layout.datasetDir,
    imageDir: layout.imageDir,
    splitFile: null,
    split: { train: [], val: [], test: test.entries },
    generatedSplit: false,
    info,
    fewshot: layout,
    deferredTrain: {
      list: async (p) => (await train(false, p))?.entries ?? [],
      count: async (p) => (await train(true, p))?.count ?? 0,
    },
  };
}
