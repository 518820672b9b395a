import { readTextFile } from "./json-file.js";
import type { ProblemList } from "./problems.js";
import type { CoopEntry } from "./types.js";

/** classnames.txt: one class name per line, in label order (blank lines ignored). */
export async function readClassNamesFile(path: string, problems: ProblemList): Promise<string[] | undefined> {
  const text = await readTextFile(path, problems);
  if (text === undefined) return undefined;
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Class names from split entries (label → name); gaps are reported. */
export function classNamesFromEntries(
  entries: readonly CoopEntry[],
  file: string,
  problems: ProblemList,
): string[] {
  const names: string[] = [];
  for (const [, label, name] of entries) {
    if (Number.isInteger(label) && label >= 0 && label < 100_000 && name && names[label] === undefined) {
      names[label] = name;
    }
  }
  const gaps: string[] = [];
  for (let i = 0; i < names.length; i++) {
    if (names[i] === undefined) {
      gaps.push(String(i));
      names[i] = `class ${i}`;
    }
  }
  problems.items({
    severity: "error",
    code: "class-name-missing",
    file,
    items: gaps,
    one: (label) => `No entry names class ${label}`,
    many: (n) => `${n} labels have no class name`,
    fix: "Add a classnames.txt (one name per line, in label order) next to the split file.",
  });
  return names;
}

/** Differences between a class-name list and the expected one. */
export function compareClassNames(
  actual: readonly string[],
  expected: readonly string[],
  file: string,
  problems: ProblemList,
): void {
  if (actual.length !== expected.length) {
    problems.error(
      "class-count-mismatch",
      `${file} lists ${actual.length} classes; the registry has ${expected.length}`,
      "Use CoOp's class list for this dataset (one name per line, in label order).",
      { file },
    );
  }
  const diffs: string[] = [];
  for (let i = 0; i < Math.min(actual.length, expected.length); i++) {
    if (actual[i] !== expected[i]) diffs.push(`line ${i + 1}: "${actual[i]}" (expected "${expected[i]}")`);
  }
  problems.items({
    severity: "error",
    code: "class-name-mismatch",
    file,
    items: diffs,
    one: (item) => `Class name differs from CoOp's at ${item}`,
    many: (n) => `${n} class names differ from CoOp's`,
    fix: "Use CoOp's class names in CoOp's order (the registry's classNames).",
  });
}
