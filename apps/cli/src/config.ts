import { ConfigError } from "@vlmopt/core";
import { envName, type OptionSpec } from "./options.js";

export type { Settings } from "./options.js";

export type SettingValue = string | number | boolean | string[];
/** Settings by key while they are merged; `Settings` is the typed view. */
export type SettingsRecord = Record<string, SettingValue | undefined>;

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
): SettingsRecord {
  const out: SettingsRecord = {};
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
  layers: { flags: SettingsRecord; env: SettingsRecord; config: SettingsRecord },
): SettingsRecord {
  const out: SettingsRecord = {};
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
