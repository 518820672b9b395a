import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { ConfigError } from "@vlmopt/core";
import { z } from "zod";
import { envName, type OptionSpec, SETTINGS } from "./options.js";

export const CONFIG_FILE = "vlmopt.config.json";

export type SettingValue = string | number | boolean | string[];
export type Settings = Record<string, SettingValue | undefined>;

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

/** The schema of vlmopt.config.json: every setting option, by its camelCase key; nothing else. */
export const configSchema = z
  .object(Object.fromEntries(SETTINGS.map((s) => [s.key, zodOf(s).optional()])))
  .extend({ $schema: z.string().optional() })
  .strict();

/** Reads and validates a config file; errors name the file and the field. */
export function loadConfigFile(path: string): Settings {
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
  const out: Settings = {};
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

/** Parses a value from a flag or an environment variable; null when it is not of the option's type. */
export function parseValue(spec: OptionSpec, text: string): SettingValue | null {
  switch (spec.type) {
    case "string":
      if (spec.choices && !spec.choices.includes(text)) return null;
      return text;
    case "strings":
      return [text];
    case "boolean":
      if (/^(1|true|yes)$/i.test(text)) return true;
      if (/^(0|false|no)$/i.test(text)) return false;
      return null;
    case "number": {
      const n = Number(text);
      return text.trim() !== "" && Number.isFinite(n) && n >= minOf(spec) ? n : null;
    }
    case "integer": {
      const n = Number(text);
      return /^-?\d+$/.test(text.trim()) && Number.isSafeInteger(n) && n >= minOf(spec) ? n : null;
    }
  }
}

/** The smallest value a number option takes (its `min`, else 0). */
export function minOf(spec: OptionSpec): number {
  return spec.min ?? 0;
}

/** What a value of the option must be, e.g. "a whole number ≥ 1" (its real minimum). */
export function typeText(spec: OptionSpec): string {
  if (spec.choices) return `one of: ${spec.choices.join(", ")}`;
  return {
    string: "a text",
    strings: "a text",
    boolean: "true or false",
    number: `a number ≥ ${minOf(spec)}`,
    integer: `a whole number ≥ ${minOf(spec)}`,
  }[spec.type];
}

/** Settings from VLMOPT_* variables, e.g. VLMOPT_DATA_ROOT=... ; errors name the variable. */
export function settingsFromEnv(
  env: Record<string, string | undefined>,
  specs: readonly OptionSpec[],
): Settings {
  const out: Settings = {};
  for (const spec of specs) {
    if (!spec.setting) continue;
    const name = envName(spec);
    const text = env[name];
    if (text === undefined || text === "") continue;
    const value = parseValue(spec, text);
    if (value === null) {
      throw new ConfigError(`environment variable ${name}=${JSON.stringify(text)} is not ${typeText(spec)}`, {
        hint: `fix or unset ${name}`,
      });
    }
    out[spec.key] = value;
  }
  return out;
}

/**
 * Merges settings for one command: flags > env (VLMOPT_*) > config file > defaults. Only keys of
 * the command's own options are taken from env and config.
 */
export function mergeSettings(
  specs: readonly OptionSpec[],
  layers: { flags: Settings; env: Settings; config: Settings },
): Settings {
  const out: Settings = {};
  for (const spec of specs) {
    const k = spec.key;
    const fromFlags = layers.flags[k];
    const fromEnv = spec.setting ? layers.env[k] : undefined;
    const fromConfig = spec.setting ? layers.config[k] : undefined;
    const value = fromFlags ?? fromEnv ?? fromConfig ?? spec.defaultValue;
    if (value !== undefined) out[k] = value;
  }
  return out;
}
