import type { Registry } from "@vlmopt/registry";
import type { CommandSpec, ParsedCommand, SpecSettings } from "./command.js";
import type { CliIo } from "./io.js";

export interface CommandContext {
  io: CliIo;
  registry: Registry;
}

export interface Command<C extends CommandSpec = CommandSpec> {
  spec: C;
  run(parsed: ParsedCommand<SpecSettings<C>>, ctx: CommandContext): Promise<number>;
}

/** A command's code for its spec: `parsed.settings` has the spec's options, typed. */
export function defineRun<C extends CommandSpec>(
  spec: C,
  body: { run(parsed: ParsedCommand<SpecSettings<C>>, ctx: CommandContext): Promise<number> },
): Command<C> {
  return { spec, run: body.run };
}

/** Writes a JSON document on stdout. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
