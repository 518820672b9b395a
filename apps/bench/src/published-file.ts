import { readFile } from "node:fs/promises";
import { ConfigError } from "@vlmopt/core";
import type { PublishedTable } from "./published.js";
import { METHOD_ORDER, PAPER_DATASETS } from "./suites.js";

const FORMAT_HINT =
  'expected {"source": "...", "backbone": "CLIP RN50", "protocol": "...", "rows": {"<method id>": {"<dataset>": <percent>}}}';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads a copy of a paper's table that the user typed in from the paper (`--published FILE`):
 * `rows[method][dataset]` in percent, method ids and dataset names as this package uses them.
 * Every problem is one ConfigError naming the file, the field and the value.
 */
export async function readPublishedTable(path: string): Promise<PublishedTable> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read --published ${path}: ${(error as Error).message}`, {
      hint: "pass a JSON file with the paper's numbers",
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`--published ${path} is not valid JSON: ${(error as Error).message}`, {
      hint: FORMAT_HINT,
    });
  }
  const fail = (field: string, problem: string, hint = FORMAT_HINT) =>
    new ConfigError(`--published ${path}: ${field} ${problem}`, { hint });
  if (!isRecord(json)) throw fail("the top level", "must be an object");
  for (const key of ["source", "backbone"] as const) {
    const v = json[key];
    if (typeof v !== "string" || v.trim() === "")
      throw fail(`"${key}"`, `must be a non-empty string (got ${JSON.stringify(v)})`);
  }
  if (json.protocol !== undefined && typeof json.protocol !== "string")
    throw fail('"protocol"', `must be a string (got ${JSON.stringify(json.protocol)})`);
  if (!isRecord(json.rows)) throw fail('"rows"', "must be an object of methods");
  const rows: Record<string, Record<string, number>> = {};
  for (const [method, row] of Object.entries(json.rows)) {
    if (!METHOD_ORDER.includes(method)) {
      throw fail(
        `rows."${method}"`,
        "is not a method of vlmopt-bench",
        `use one of: ${METHOD_ORDER.join(", ")}`,
      );
    }
    if (!isRecord(row)) throw fail(`rows."${method}"`, "must be an object of datasets");
    const out: Record<string, number> = {};
    for (const [dataset, value] of Object.entries(row)) {
      if (!PAPER_DATASETS.includes(dataset)) {
        throw fail(
          `rows."${method}"."${dataset}"`,
          "is not a dataset of vlmopt-bench",
          `use one of: ${PAPER_DATASETS.join(", ")}`,
        );
      }
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 100) {
        throw fail(
          `rows."${method}"."${dataset}"`,
          `is ${JSON.stringify(value)}; it must be a percentage from 0 to 100`,
          "write accuracy in percent as printed in the paper, e.g. 61.2",
        );
      }
      out[dataset] = value;
    }
    rows[method] = out;
  }
  return {
    source: json.source as string,
    backbone: json.backbone as string,
    protocol: (json.protocol as string | undefined) ?? "as given in the file",
    rows,
    note: `Numbers from ${path}, as typed in by the user (not embedded in vlmopt-bench).`,
  };
}
