import { readFile } from "node:fs/promises";
import { ConfigError } from "@vlmopt/core";
import { z } from "zod";
import type { PublishedTable } from "./published.js";
import { METHOD_ORDER, PAPER_DATASETS } from "./suites.js";

const FORMAT_HINT =
  'expected {"source": "...", "backbone": "CLIP RN50", "protocol": "...", "rows": {"<method id>": {"<dataset>": <percent>}}}';

const percent = z.number().min(0).max(100).describe("accuracy in percent as printed in the paper, e.g. 61.2");

/**
 * The `--published` file: a paper's table typed in by the user. Fields other than these are
 * ignored (as before the schema). Its JSON Schema is apps/bench/schemas/published.schema.json.
 */
export const publishedFileSchema = z
  .looseObject({
    $schema: z.string().optional().describe("the JSON Schema of this file"),
    source: z
      .string()
      .regex(/\S/)
      .describe('where the numbers come from, e.g. "Liu et al., CVPR 2024, 1-shot table"'),
    backbone: z.string().regex(/\S/).describe('the CLIP backbone of the table, e.g. "CLIP RN50"'),
    protocol: z.string().optional().describe('how the numbers were measured, e.g. "1-shot, seeds 1-3"'),
    rows: z
      .partialRecord(
        z.enum(METHOD_ORDER as [string, ...string[]]),
        z.partialRecord(z.enum(PAPER_DATASETS as [string, ...string[]]), percent),
      )
      .describe("method id (a row id of results.csv) → dataset → accuracy in percent"),
  })
  .describe("vlmopt-bench --published: published numbers to show beside the measured ones");

export type PublishedFile = z.infer<typeof publishedFileSchema>;

/** The one message of a schema issue, in the words this file's errors always had. */
function problemOf(
  issue: z.core.$ZodIssue,
  json: unknown,
): { field: string; problem: string; hint?: string } {
  const [top, method, dataset] = issue.path.map(String);
  const raw = (json ?? {}) as Record<string, unknown>;
  const unknownKey = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
  if (top === undefined) return { field: "the top level", problem: "must be an object" };
  if (top === "source" || top === "backbone")
    return { field: `"${top}"`, problem: `must be a non-empty string (got ${JSON.stringify(raw[top])})` };
  if (top !== "rows")
    return { field: `"${top}"`, problem: `must be a string (got ${JSON.stringify(raw[top])})` };
  if (method === undefined) {
    if (unknownKey !== undefined)
      return {
        field: `rows."${unknownKey}"`,
        problem: "is not a method of vlmopt-bench",
        hint: `use one of: ${METHOD_ORDER.join(", ")}`,
      };
    return { field: '"rows"', problem: "must be an object of methods" };
  }
  if (dataset === undefined) {
    if (unknownKey !== undefined)
      return {
        field: `rows."${method}"."${unknownKey}"`,
        problem: "is not a dataset of vlmopt-bench",
        hint: `use one of: ${PAPER_DATASETS.join(", ")}`,
      };
    return { field: `rows."${method}"`, problem: "must be an object of datasets" };
  }
  const rows = raw.rows as Record<string, Record<string, unknown>>;
  return {
    field: `rows."${method}"."${dataset}"`,
    problem: `is ${JSON.stringify(rows[method]?.[dataset])}; it must be a percentage from 0 to 100`,
    hint: "write accuracy in percent as printed in the paper, e.g. 61.2",
  };
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
  const parsed = publishedFileSchema.safeParse(json);
  if (!parsed.success) {
    const { field, problem, hint } = problemOf(parsed.error.issues[0] as z.core.$ZodIssue, json);
    throw new ConfigError(`--published ${path}: ${field} ${problem}`, { hint: hint ?? FORMAT_HINT });
  }
  const table = parsed.data;
  const rows: Record<string, Record<string, number>> = {};
  for (const [method, row] of Object.entries(table.rows)) rows[method] = { ...row } as Record<string, number>;
  return {
    source: table.source,
    backbone: table.backbone,
    protocol: table.protocol ?? "as given in the file",
    rows,
    note: `Numbers from ${path}, as typed in by the user (not embedded in vlmopt-bench).`,
  };
}
