import { Argument, Option } from "@commander-js/extra-typings";
import { type AnyCommand, addHelpNotes, invalidValue, type ProgramContext } from "@vlmopt/cli-kit";
import { mergeSettings, parseValue, type SettingsRecord, settingsFromEnv, typeText } from "./config.js";
import type { CliIo } from "./io.js";
import { GLOBAL_OPTIONS, type OptionSpec, type Settings, type SettingsOf } from "./options.js";
import type { SpecForms } from "./spec-forms.js";

export interface CommandSpec<O extends readonly OptionSpec[] = readonly OptionSpec[]> {
  /** e.g. "optimize" or "models list". */
  name: string;
  summary: string;
  /** Positional arguments, e.g. ["<run-dir>"]. */
  positionals?: readonly string[];
  options: O;
  examples: readonly string[];
  /** More text after the options. */
  notes?: string;
}

/** A command's spec with its options' keys and types kept, so its settings read back typed. */
export function defineCommand<const O extends readonly OptionSpec[]>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

/** The settings of a command: its own options and the global ones, each of its type. */
export type SpecSettings<C extends CommandSpec> = SettingsOf<C["options"]> &
  SettingsOf<typeof GLOBAL_OPTIONS>;

export interface ParsedCommand<S = Settings> {
  /** Merged: flags > env > config > defaults. */
  settings: S;
  /** Only what the command line gave. */
  flags: S;
  positionals: string[];
  json: boolean;
  verbose: boolean;
}

/** Every option a command accepts (its own plus the global ones). */
export function allOptions(spec: CommandSpec): OptionSpec[] {
  const seen = new Set<string>();
  const out: OptionSpec[] = [];
  for (const o of [...spec.options, ...GLOBAL_OPTIONS]) {
    if (seen.has(o.flag) || o.flag === "help") continue;
    seen.add(o.flag);
    out.push(o);
  }
  return out;
}

/** The help line of an option: its description, the registry's spec forms (formsOf), choices and default. */
function describe(o: OptionSpec, forms?: SpecForms): string {
  const listed = o.formsOf && forms ? forms[o.formsOf] : [];
  const description = listed.length > 0 ? `${o.description}: ${listed.join(", ")}` : o.description;
  const extra: string[] = [];
  if (o.choices) extra.push(`one of: ${o.choices.join(", ")}`);
  if (o.defaultValue !== undefined) extra.push(`default: ${String(o.defaultValue)}`);
  return `${description}${extra.length ? ` (${extra.join("; ")})` : ""}`;
}

/**
 * The commander option of a spec. Values are parsed by vlmopt's own rules (parseValue), and a bad
 * one is a UsageError in vlmopt's wording (`--shots "-1" is not a whole number ≥ 1`): commander
 * passes errors other than its InvalidArgumentError through its argParser unchanged. A value
 * that starts with "-" is taken as the value of an option that needs one (commander: "the option
 * value is taken from the next argument"), so `--shots -1` needs no special case.
 */
export function commanderOption(o: OptionSpec, command: string, forms?: SpecForms): Option {
  const value = o.type === "boolean" ? "" : ` ${o.placeholder ?? "<value>"}`;
  const option = new Option(`${o.short ? `-${o.short}, ` : ""}--${o.flag}${value}`, describe(o, forms));
  if (o.type === "boolean") return option;
  return option.argParser((text: string, previous: unknown) => {
    if (o.type === "strings") return [...((previous as string[] | undefined) ?? []), text];
    const parsed = parseValue(o, text);
    if (parsed === null) throw invalidValue(`--${o.flag}`, text, typeText(o), command);
    return parsed;
  });
}

/** The flags the command line gave, by setting key (a `--no-x` flag given is `noX: true`). */
function flagsOf(cmd: AnyCommand, specs: readonly OptionSpec[]): SettingsRecord {
  const values = cmd.opts() as Record<string, unknown>;
  const flags: SettingsRecord = {};
  for (const o of specs) {
    // commander files `--no-test` under "test" (false when given): its negatable-flag rule.
    const negated = o.type === "boolean" && o.flag.startsWith("no-");
    const attribute = new Option(`--${o.flag}`).attributeName();
    if (cmd.getOptionValueSource(attribute) !== "cli") continue;
    const raw = values[attribute];
    flags[o.key] = negated ? raw === false : (raw as SettingsRecord[string]);
  }
  return flags;
}

/** Settings for one command: flags > VLMOPT_* env > vlmopt.config.json > defaults. */
export async function settingsFor(
  spec: CommandSpec,
  flags: SettingsRecord,
  io: CliIo,
): Promise<SettingsRecord> {
  const specs = allOptions(spec);
  // zod and the config file's schema load only when a command runs, not for --help.
  const { findConfigFile, loadConfigFile } = await import("./config-file.js");
  const configPath = findConfigFile(io.cwd, flags.config as string | undefined);
  const config = configPath ? loadConfigFile(configPath) : {};
  const env = settingsFromEnv(io.env, specs);
  return mergeSettings(specs, { flags, env, config });
}

/**
 * Adds `spec` to `parent` (a group command for "models list") as a commander command; `action`
 * gets the parsed command. Usage `vlmopt <name> <positionals> [options]`.
 */
export function addSpecCommand(
  ctx: ProgramContext,
  io: CliIo,
  parent: AnyCommand,
  spec: CommandSpec,
  action: (parsed: ParsedCommand) => Promise<number>,
  forms?: SpecForms,
): AnyCommand {
  const word = spec.name.split(" ").at(-1) as string;
  const cmd = parent.command(word) as AnyCommand;
  const summary = spec.summary.split(/(?<=[a-z0-9)'’]{3}\.) (?=[A-Z])/)[0] ?? spec.summary;
  cmd.summary(summary).description(spec.summary);
  const positionals = spec.positionals ?? [];
  for (const p of positionals) cmd.addArgument(new Argument(p));
  cmd.usage(`${positionals.length ? `${positionals.join(" ")} ` : ""}[options]`);
  const specs = allOptions(spec);
  for (const o of specs) cmd.addOption(commanderOption(o, spec.name, forms));
  addHelpNotes(ctx, cmd, { notes: spec.notes, examples: spec.examples });
  cmd.action(async (...args: unknown[]) => {
    const flags = flagsOf(cmd, specs);
    const positional = (args.slice(0, positionals.length) as (string | undefined)[]).filter(
      (a): a is string => a !== undefined,
    );
    const settings = await settingsFor(spec, flags, io);
    ctx.exitCode = await action({
      settings,
      flags,
      positionals: positional,
      json: flags.json === true,
      verbose: flags.verbose === true,
    } as ParsedCommand);
  });
  return cmd;
}
