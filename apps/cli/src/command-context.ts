import type { Registry } from "@vlmopt/registry";
import type { CommandSpec, ParsedCommand } from "./command.js";
import type { CliIo } from "./io.js";

export interface CommandContext {
  io: CliIo;
  registry: Registry;
}

export interface Command {
  spec: CommandSpec;
  run(parsed: ParsedCommand, ctx: CommandContext): Promise<number>;
}

/** Writes a JSON document on stdout. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
