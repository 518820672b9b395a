import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { ConfigError } from "@vlmopt/core";
import { z } from "zod";
import { minOf, type SettingsRecord, type SettingValue } from "./config.js";
import { type OptionSpec, SETTINGS, type Settings } from "./options.js";

export const CONFIG_FILE = "vlmopt.config.json";

function zodOf(spec: OptionSpec): z.ZodType {
  switch (spec.type) {
    case "string":
      return spec.choices ? z.enum(spec.choices as [string, ...string[]]) : z.string().min(1);
    case "number":
      return z.number().finite().min(minOf(spec));
    case "integer":
      return z.number().int().min(minOf(spec));
    case "boolean":
      return z.boolean();
    case "strings":
      return z.array(z.string());
  }
}

/** A field of vlmopt.config.json: the option's value schema, described as in `--help`. */
function fieldOf(spec: OptionSpec): z.ZodType {
  const forms = spec.formsOf ? " (every form: vlmopt optimize --help)" : "";
  const extra = `${forms}${spec.defaultValue !== undefined ? ` (default: ${String(spec.defaultValue)})` : ""}`;
  return zodOf(spec).optional().describe(`--${spec.flag}: ${spec.description}${extra}`);
}

/**
 * The schema of vlmopt.config.json: every setting option, by its camelCase key; nothing else.
 * `$schema` may name the published JSON Schema (schemas/vlmopt.config.schema.json) for editors.
 */
export const configSchema = z
  .object(Object.fromEntries(SETTINGS.map((s) => [s.key, fieldOf(s)])))
  .extend({ $schema: z.string().optional().describe("the JSON Schema of this file") })
  .strict()
  .describe(
    "vlmopt.config.json: settings for every vlmopt command (flags > VLMOPT_* env > this file > defaults)",
  );

/** The typed content of a config file. */
export type ConfigFile = Settings & { $schema?: string };

/** Reads and validates a config file; errors name the file and the field. */
export function loadConfigFile(path: string): SettingsRecord {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`, {
      hint: "check the --config path",
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(error as Error).message}`, {
      hint: "fix the JSON syntax",
    });
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const unknownKeys = issue.code === "unrecognized_keys" ? issue.keys : [];
    if (unknownKeys.length > 0) {
      throw new ConfigError(`config file ${path}: unknown field "${unknownKeys.join('", "')}"`, {
        hint: `allowed fields: ${SETTINGS.map((s) => s.key).join(", ")}`,
      });
    }
    const field = issue.path.map(String).join(".") || "(top level)";
    throw new ConfigError(`config file ${path}: field "${field}" is invalid: ${issue.message}`, {
      hint: `fix "${field}" in ${path} or remove it`,
    });
  }
  const out: SettingsRecord = {};
  for (const [k, v] of Object.entries(parsed.data))
    if (k !== "$schema" && v !== undefined) out[k] = v as SettingValue;
  return out;
}

/** The config file to use: --config, else ./vlmopt.config.json if present, else none. */
export function findConfigFile(cwd: string, explicit: string | undefined): string | undefined {
  if (explicit) {
    const path = isAbsolute(explicit) ? explicit : resolve(cwd, explicit);
    if (!existsSync(path)) {
      throw new ConfigError(`config file ${path} does not exist`, { hint: "check the --config path" });
    }
    return path;
  }
  const local = resolve(cwd, CONFIG_FILE);
  return existsSync(local) ? local : undefined;
}
