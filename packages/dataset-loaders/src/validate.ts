import type { ProblemList } from "./problems.js";
import type { CoopEntry, SplitCounts } from "./types.js";

export interface EntryList {
  /** e.g. "train", "shot_1-seed_1.train". */
  name: string;
  /** The file the entries come from. */
  file: string;
  entries: readonly CoopEntry[];
}

const describe = (list: EntryList, index: number, entry: CoopEntry): string =>
  `${list.name}[${index}] ${entry[0]} (label ${entry[1]}${entry[2] ? `, "${entry[2]}"` : ""})`;

/** Labels must be integers in [0, classes); a non-empty class name must equal classNames[label]. */
export function checkLabels(list: EntryList, classNames: readonly string[], problems: ProblemList): void {
  const outOfRange: string[] = [];
  const mismatched: string[] = [];
  list.entries.forEach((entry, index) => {
    const [, label, name] = entry;
    if (!Number.isInteger(label) || label < 0 || label >= classNames.length) {
      outOfRange.push(describe(list, index, entry));
    } else if (name && name !== classNames[label]) {
      mismatched.push(`${describe(list, index, entry)} expected "${classNames[label]}"`);
    }
  });
  problems.items({
    severity: "error",
    code: "label-out-of-range",
    file: list.file,
    items: outOfRange,
    one: (item) =>
      `Label out of range in ${item}: labels must be integers from 0 to ${classNames.length - 1}`,
    many: (n) => `${n} entries of ${list.name} have labels outside 0..${classNames.length - 1}`,
    fix: `Use 0-based labels in class order (${classNames.length} classes), or fix the class list.`,
  });
  problems.items({
    severity: "error",
    code: "class-name-mismatch",
    file: list.file,
    items: mismatched,
    one: (item) => `Class name does not match the label in ${item}`,
    many: (n) => `${n} entries of ${list.name} have a class name that does not match their label`,
    fix: "Labels and names must follow CoOp's class order (the registry): relabel the entries or use CoOp's split file.",
  });
}

/** How to fix a class without images, in the terms of the dataset's layout. */
export function emptyClassFix(layout: string): string {
  if (layout === "folder")
    return "Put images in the class's folder, or remove the empty folder (each sub-folder is a class).";
  if (layout === "manifest")
    return "Add rows for these classes to the manifest, or remove them from classnames.txt.";
  return "Add images for these classes (or remove the classes from the class list).";
}

/** Classes without any image in a non-empty list; `layout` words the fix (see emptyClassFix). */
export function checkEmptyClasses(
  list: EntryList,
  classNames: readonly string[],
  problems: ProblemList,
  severity: "error" | "warning" = "error",
  layout = "",
): void {
  if (list.entries.length === 0) return;
  const seen = new Set(list.entries.map((e) => e[1]));
  const empty = classNames.map((name, label) => ({ name, label })).filter((c) => !seen.has(c.label));
  problems.items({
    severity,
    code: "empty-class",
    file: list.file,
    items: empty.map((c) => `${c.label} "${c.name}"`),
    one: (item) => `Class ${item} has no image in ${list.name}`,
    many: (n) => `${n} classes have no image in ${list.name}`,
    fix: emptyClassFix(layout),
  });
}

/** The same path listed twice in one list. */
export function checkDuplicatePaths(list: EntryList, problems: ProblemList): void {
  const seen = new Set<string>();
  const dups: string[] = [];
  for (const [path] of list.entries) {
    if (seen.has(path)) dups.push(path);
    seen.add(path);
  }
  problems.items({
    severity: "warning",
    code: "duplicate-entry",
    file: list.file,
    items: dups,
    one: (item) => `${item} is listed more than once in ${list.name}`,
    many: (n) => `${n} paths are listed more than once in ${list.name}`,
    fix: "Remove the repeated entries.",
  });
}

/** Images of train/val lists that are also in the test list (by path). */
export function checkTrainTestOverlap(
  trainLike: readonly EntryList[],
  test: EntryList,
  problems: ProblemList,
): void {
  const testPaths = new Set(test.entries.map((e) => e[0]));
  for (const list of trainLike) {
    const overlap = [...new Set(list.entries.map((e) => e[0]).filter((p) => testPaths.has(p)))];
    problems.items({
      severity: "error",
      code: "train-test-overlap",
      file: list.file,
      items: overlap,
      one: (item) => `${item} is in both ${list.name} and ${test.name}`,
      many: (n) => `${n} images are in both ${list.name} and ${test.name}`,
      fix: "An image may not be both a training/validation and a test image: remove it from one split.",
    });
  }
}

/** Split sizes against CoOp's expected numbers (warnings: subsets are legitimate but not the paper's protocol). */
export function checkCounts(
  counts: { train: number; val: number; test: number },
  expected: SplitCounts,
  file: string,
  displayName: string,
  problems: ProblemList,
): void {
  for (const split of ["train", "val", "test"] as const) {
    const want = expected[split];
    if (want === null || counts[split] === want) continue;
    problems.warning(
      "count-mismatch",
      `${split} has ${counts[split]} images; CoOp's ${displayName} ${split} split has ${want}`,
      split === "test"
        ? "For numbers comparable with the paper use CoOp's full test split (its split_zhou file and all images)."
        : "Fine for a subset (few-shot runs only use the K-shot lists); for CoOp's full split use its split_zhou file.",
      { file, entry: split },
    );
  }
}

/** A K-shot sample should have K train images per class and min(K, 4) val images (CoOp). */
export function checkFewShotCounts(
  key: string,
  shots: number,
  sample: { train: readonly CoopEntry[]; val: readonly CoopEntry[] },
  file: string,
  problems: ProblemList,
): void {
  for (const [list, want] of [
    ["train", shots],
    ["val", Math.min(shots, 4)],
  ] as const) {
    const entries = sample[list];
    if (list === "val" && entries.length === 0) continue;
    const perClass = new Map<number, number>();
    for (const e of entries) perClass.set(e[1], (perClass.get(e[1]) ?? 0) + 1);
    const off = [...perClass].filter(([, n]) => n !== want).map(([label, n]) => `class ${label}: ${n}`);
    problems.items({
      severity: "warning",
      code: "fewshot-count",
      file,
      items: off,
      one: (item) => `${key}.${list} should have ${want} images per class, ${item}`,
      many: (n) => `${key}.${list}: ${n} classes do not have ${want} images`,
      fix: "Use CoOp's few-shot lists unchanged (K per class for train, min(K, 4) for val).",
    });
  }
}

/** Few-shot entries that are not in the split they are drawn from (warning). */
export function checkSubset(list: EntryList, of: EntryList, problems: ProblemList): void {
  if (of.entries.length === 0) return;
  const paths = new Set(of.entries.map((e) => e[0]));
  const outside = list.entries.map((e) => e[0]).filter((p) => !paths.has(p));
  problems.items({
    severity: "warning",
    code: "fewshot-not-in-split",
    file: list.file,
    items: outside,
    one: (item) => `${item} of ${list.name} is not in the ${of.name} split`,
    many: (n) => `${n} images of ${list.name} are not in the ${of.name} split`,
    fix: "Few-shot lists should be drawn from the matching split; check that the few-shot file belongs to this split file.",
  });
}
