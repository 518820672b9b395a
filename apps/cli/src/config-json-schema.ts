import { z } from "zod";
import { CONFIG_FILE, configSchema } from "./config-file.js";

/** Where the published JSON Schema of vlmopt.config.json is, from this package's root. */
export const CONFIG_SCHEMA_PATH = "schemas/vlmopt.config.schema.json";

/**
 * The JSON Schema of vlmopt.config.json, generated from the zod schema the CLI validates with
 * (zod 4's z.toJSONSchema, https://zod.dev/json-schema), so editors check a config file as
 * vlmopt does. A config file names it with "$schema".
 */
export function configJsonSchema(): Record<string, unknown> {
  return { title: CONFIG_FILE, ...z.toJSONSchema(configSchema) };
}
