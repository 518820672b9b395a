import { parseArgs } from "node:util";
import {
  findConfigFile,
  loadConfigFile,
  mergeSettings,
  parseValue,
  type Settings,
  settingsFromEnv,
  typeText,
} from "./config.js";
import type { CliIo } from "./io.js";
import { GLOBAL_OPTIONS, type OptionSpec } from "./options.js";
import { invalidValue, UsageError } from "./usage-error.js";

export interface CommandSpec {
  /** e.g. "optimize" or "models list". */
  name: string;
  summary: string;
  /** Positional arguments, e.g. ["<run-dir>"]. */
  positionals?: readonly string[];
  options: readonly OptionSpec[];
  examples: readonly string[];
  /** More text after the options. */
  notes?: string;
}

export interface ParsedCommand {
  /** Merged: flags > env > config > defaults. */
  settings: Settings;
  /** Only what the command line gave. */
  flags: Settings;
  positionals: string[];
  help: boolean;
  json: boolean;
  verbose: boolean;
}

/** Every option a command accepts (its own plus the global ones). */
export function allOptions(spec: CommandSpec): OptionSpec[] {
  const seen = new Set<string>();
  const out: OptionSpec[] = [];
  for (const o of [...spec.options, ...GLOBAL_OPTIONS]) {
    if (seen.has(o.flag)) continue;
    seen.add(o.flag);
    out.push(o);
  }
  return out;
}

/**
 * `--shots -1` as `--shots=-1`: node's parseArgs takes a value that starts with "-" for an option
 * ("argument is ambiguous"), so a negative number after an option that takes a value is joined to
 * it, and then gets vlmopt's own message ("is not a whole number ≥ 1").
 */
export function joinNegativeNumbers(argv: readonly string[], specs: readonly OptionSpec[]): string[] {
  const takesValue = new Set<string>();
  for (const o of specs) {
    if (o.type === "boolean") continue;
    takesValue.add(`--${o.flag}`);
    if (o.short) takesValue.add(`-${o.short}`);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (takesValue.has(arg) && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** Parses argv for one command: flags > VLMOPT_* env > vlmopt.config.json > defaults. */
export function parseCommand(spec: CommandSpec, argv: readonly string[], io: CliIo): ParsedCommand {
  const specs = allOptions(spec);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinNegativeNumbers(argv, specs),
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        specs.map((o) => [
          o.flag,
          {
            type: o.type === "boolean" ? ("boolean" as const) : ("string" as const),
            ...(o.type === "strings" ? { multiple: true } : {}),
            ...(o.short ? { short: o.short } : {}),
          },
        ]),
      ),
    });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new UsageError(message, spec.name);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const help = values.help === true;
  const flags: Settings = {};
  for (const o of specs) {
    const raw = values[o.flag];
    if (raw === undefined) continue;
    if (o.type === "boolean" || o.type === "strings") {
      flags[o.key] = raw;
      continue;
    }
    const value = parseValue(o, String(raw));
    if (value === null) {
      throw invalidValue(`--${o.flag}`, String(raw), typeText(o), spec.name);
    }
    flags[o.key] = value;
  }
  const wanted = spec.positionals ?? [];
  const required = wanted.filter((p) => p.startsWith("<")).length;
  if (!help && parsed.positionals.length < required) {
    throw new UsageError(`missing ${wanted.slice(parsed.positionals.length).join(" ")}`, spec.name);
  }
  if (parsed.positionals.length > wanted.length) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(parsed.positionals[wanted.length])}`,
      spec.name,
    );
  }
  let settings: Settings = flags;
  if (!help) {
    const configPath = findConfigFile(io.cwd, flags.config as string | undefined);
    const config = configPath ? loadConfigFile(configPath) : {};
    const env = settingsFromEnv(io.env, specs);
    settings = mergeSettings(specs, { flags, env, config });
  }
  return {
    settings,
    flags,
    positionals: parsed.positionals,
    help,
    json: flags.json === true,
    verbose: flags.verbose === true,
  };
}

/** The --help text of a command. */
export function helpText(spec: CommandSpec): string {
  const lines: string[] = [];
  const pos = spec.positionals?.length ? ` ${spec.positionals.join(" ")}` : "";
  lines.push(`Usage: vlmopt ${spec.name}${pos} [options]`, "", spec.summary, "", "Options:");
  const rows = allOptions(spec).map((o) => {
    const name = `${o.short ? `-${o.short}, ` : "    "}--${o.flag}${o.placeholder ? ` ${o.placeholder}` : ""}`;
    const extra: string[] = [];
    if (o.choices) extra.push(`one of: ${o.choices.join(", ")}`);
    if (o.defaultValue !== undefined) extra.push(`default: ${String(o.defaultValue)}`);
    return [name, `${o.description}${extra.length ? ` (${extra.join("; ")})` : ""}`] as const;
  });
  const width = Math.max(...rows.map(([n]) => n.length)) + 2;
  for (const [n, d] of rows) lines.push(`  ${n.padEnd(width)}${d}`);
  if (spec.notes) lines.push("", spec.notes);
  lines.push("", spec.examples.length > 1 ? "Examples:" : "Example:");
  for (const e of spec.examples) lines.push(`  ${e}`);
  return `${lines.join("\n")}\n`;
}
