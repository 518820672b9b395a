import { z } from "zod";
import { publishedFileSchema } from "./published-file.js";

/** Where the JSON Schema of the `--published` file is, from this package's root. */
export const PUBLISHED_SCHEMA_PATH = "schemas/published.schema.json";

/** The JSON Schema of a `--published` file, from its zod schema (https://zod.dev/json-schema). */
export function publishedJsonSchema(): Record<string, unknown> {
  return { title: "vlmopt-bench --published file", ...z.toJSONSchema(publishedFileSchema) };
}
