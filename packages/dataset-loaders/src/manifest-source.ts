import { existsSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import type { SplitName } from "@vlmopt/core";
import { readClassNamesFile } from "./class-names-file.js";
import { type CsvRow, CsvSyntaxError, parseCsv } from "./csv.js";
import { jsonErrorOffset, lineColumn, readTextFile } from "./json-file.js";
import type { OwnDataOptions } from "./own-data-options.js";
import { splitOwnData } from "./own-data-options.js";
import type { ProblemList } from "./problems.js";
import type { DatasetSource } from "./source.js";
import type { CoopEntry, CoopSplit } from "./types.js";

interface Row {
  where: string;
  path: string;
  label: string | number;
  split?: string;
}

const PATH_COLUMNS = ["path", "file", "filepath", "image", "filename"];
const LABEL_COLUMNS = ["label", "class", "classname", "class_name", "category"];

function csvRows(text: string, file: string, problems: ProblemList): Row[] {
  let rows: CsvRow[];
  try {
    rows = parseCsv(text);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    problems.error(
      "manifest-csv-invalid",
      `${file} is not valid CSV at line ${error.line}: ${error.message}`,
      'Close every quoted field (a quote inside a field is written "").',
      { file, entry: `line ${error.line}` },
    );
    return [];
  }
  const first = rows[0];
  if (!first) return [];
  const header = first.fields.map((f) => f.trim().toLowerCase());
  const hasHeader = header.some((h) => PATH_COLUMNS.includes(h));
  const pathCol = hasHeader ? header.findIndex((h) => PATH_COLUMNS.includes(h)) : 0;
  const labelCol = hasHeader ? header.findIndex((h) => LABEL_COLUMNS.includes(h)) : 1;
  const splitCol = hasHeader ? header.indexOf("split") : 2;
  if (labelCol < 0) {
    problems.error(
      "manifest-columns",
      `${file} has no label column (header: ${first.fields.join(",")})`,
      `Name the columns "path,label" (optionally ",split").`,
      { file, entry: "line 1" },
    );
    return [];
  }
  const out: Row[] = [];
  const bad: string[] = [];
  for (const row of hasHeader ? rows.slice(1) : rows) {
    const path = row.fields[pathCol]?.trim() ?? "";
    const label = row.fields[labelCol]?.trim() ?? "";
    const split = row.fields[splitCol]?.trim();
    if (!path || !label) bad.push(`line ${row.line}: ${row.fields.join(",")}`);
    else out.push({ where: `line ${row.line}`, path, label, ...(split ? { split } : {}) });
  }
  problems.items({
    severity: "error",
    code: "manifest-row-invalid",
    file,
    items: bad,
    one: (item) => `Row without path or label at ${item}`,
    many: (n) => `${n} rows have no path or no label`,
    fix: "Every row needs an image path and a label (class name or 0-based index).",
  });
  return out;
}

function jsonlRows(text: string, file: string, problems: ProblemList): Row[] {
  const out: Row[] = [];
  const bad: string[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    const where = `line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const pos = jsonErrorOffset(line, (error as Error).message);
      bad.push(`${where}, column ${lineColumn(line, pos).column}: ${(error as Error).message}`);
      return;
    }
    const obj = value as Record<string, unknown> | null;
    const path = obj && typeof obj === "object" ? (obj.path ?? obj.file ?? obj.image) : undefined;
    const label = obj && typeof obj === "object" ? (obj.label ?? obj.class) : undefined;
    const split = obj && typeof obj === "object" ? obj.split : undefined;
    if (typeof path !== "string" || !path || (typeof label !== "string" && typeof label !== "number")) {
      bad.push(`${where}: ${line.slice(0, 80)} (needs "path" and "label")`);
      return;
    }
    out.push({ where, path, label, ...(typeof split === "string" ? { split } : {}) });
  });
  problems.items({
    severity: "error",
    code: "json-invalid",
    file,
    items: bad,
    one: (item) => `Invalid JSONL row at ${item}`,
    many: (n) => `${n} JSONL rows are invalid`,
    fix: 'Each line must be one JSON object like {"path": "cat/1.jpg", "label": "cat"}.',
  });
  return out;
}

/**
 * Reads a CSV or JSONL manifest of `path,label[,split]` rows. Paths are relative to the manifest's
 * folder (absolute paths are kept). Labels are class names; when class names are known
 * (`options.classNames` or a `classnames.txt` next to the manifest) a label may also be a 0-based
 * index. Without known class names, the classes are the distinct labels, sorted.
 */
export async function readManifestSource(
  pathIn: string,
  options: OwnDataOptions,
  problems: ProblemList,
): Promise<DatasetSource | undefined> {
  const file = resolve(pathIn);
  const text = await readTextFile(file, problems);
  if (text === undefined) return undefined;
  const isJsonl = /\.(jsonl|ndjson)(\.gz)?$/i.test(file);
  const rows = isJsonl ? jsonlRows(text, file, problems) : csvRows(text, file, problems);
  if (rows.length === 0) {
    problems.error("manifest-empty", `${file} lists no images`, "Add rows: path,label.", { file });
    return undefined;
  }
  const dir = dirname(file);
  const classNamesFile = join(dir, "classnames.txt");
  const known =
    options.classNames ??
    (existsSync(classNamesFile) ? await readClassNamesFile(classNamesFile, problems) : undefined);
  const classNames = known
    ? [...known]
    : [...new Set(rows.map((r) => String(r.label)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const labelOf = new Map(classNames.map((n, i) => [n, i]));
  const unknown: string[] = [];
  const badSplit: string[] = [];
  const entries: { entry: CoopEntry; split?: string }[] = [];
  for (const row of rows) {
    let label = labelOf.get(String(row.label));
    if (label === undefined && known && (typeof row.label === "number" || /^\d+$/.test(row.label))) {
      label = Number(row.label);
    }
    if (label === undefined) {
      unknown.push(`${row.where}: "${row.label}"`);
      continue;
    }
    if (row.split !== undefined && !["train", "val", "test"].includes(row.split)) {
      badSplit.push(`${row.where}: "${row.split}"`);
      continue;
    }
    entries.push({
      entry: [row.path, label, classNames[label] ?? ""],
      ...(row.split ? { split: row.split } : {}),
    });
  }
  problems.items({
    severity: "error",
    code: "label-unknown",
    file,
    items: unknown,
    one: (item) => `Label is not a known class name at ${item}`,
    many: (n) => `${n} rows have a label that is not a known class name`,
    fix: `Use one of the class names (${classNames.slice(0, 5).join(", ")}${classNames.length > 5 ? ", …" : ""}) or a 0-based index.`,
  });
  problems.items({
    severity: "error",
    code: "manifest-split-invalid",
    file,
    items: badSplit,
    one: (item) => `Split must be train, val or test at ${item}`,
    many: (n) => `${n} rows have a split other than train, val or test`,
    fix: 'Use "train", "val" or "test" in the split column (or leave the column out to split automatically).',
  });
  const given = entries.some((e) => e.split !== undefined);
  let split: CoopSplit;
  if (given) {
    split = { train: [], val: [], test: [] };
    const noSplit: string[] = [];
    for (const e of entries) {
      if (e.split) split[e.split as SplitName].push(e.entry);
      else noSplit.push(e.entry[0]);
    }
    problems.items({
      severity: "error",
      code: "manifest-split-missing",
      file,
      items: noSplit,
      one: (item) => `${item} has no split while other rows have one`,
      many: (n) => `${n} rows have no split while other rows have one`,
      fix: "Give every row a split, or none (then the data is split automatically).",
    });
  } else {
    split = splitOwnData(
      entries.map((e) => e.entry),
      options,
    );
  }
  return {
    name: options.name ?? basename(file, extname(file)),
    ...(options.description ? { description: options.description } : {}),
    classNames,
    layout: "manifest",
    datasetDir: dir,
    imageDir: dir,
    splitFile: file,
    split,
    generatedSplit: !given,
  };
}
