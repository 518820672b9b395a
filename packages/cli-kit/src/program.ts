import { Argument, Command, CommanderError, Help } from "@commander-js/extra-typings";
import { displayMessage, VlmoptError } from "@vlmopt/core";
import { bold, colorEnabled, red } from "./color.js";
import { completionScript, SHELLS, type Shell } from "./completion.js";
import { EXIT } from "./exit-codes.js";
import { breakLongWords, examplesBlock, helpWidthOf, wrapText } from "./help-text.js";
import { UsageError } from "./usage-error.js";

/** What a program writes to and reads from; each app's own io has at least this. */
export interface KitIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** True when output goes to a terminal: colours (unless NO_COLOR) and updating progress lines. */
  isTTY?: boolean;
  /** The terminal's width; help is wrapped to it (80 when unknown). */
  columns?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: a program's commands each have their own option types.
export type AnyCommand = Command<any, any, any>;

/** What `createProgram` gives the app: the root command and what its commands need. */
export interface ProgramContext {
  program: AnyCommand;
  io: KitIo;
  /** Help and examples are wrapped to this many columns. */
  width: number;
  /** Whether ANSI colours may be written (TTY, NO_COLOR, FORCE_COLOR). */
  color: boolean;
  /** The exit code of the command that ran; an action sets it. */
  exitCode: number;
  /** What commander wrote on stderr (only help after a missing sub-command), written after parsing. */
  pendingErr: string[];
}

export interface CreateProgramOptions {
  name: string;
  version: string;
  /** The first line of the main help, e.g. "vlmopt 0.1.0 — a chat LLM as …". */
  title: string;
  io: KitIo;
}

/**
 * A commander program configured the way both vlmopt apps behave: output through `io`, help
 * wrapped to the terminal, colour only where allowed, errors thrown (exitOverride) so the app
 * picks the exit code, typo suggestions on. Commander's hooks are documented in its README
 * ("Override exit and output handling", "configureOutput", "Help" sections,
 * https://github.com/tj/commander.js/blob/v14.0.0/Readme.md); commander 14 is the last major on
 * Node 20 (commander 15 needs Node 22).
 */
export function createProgram(options: CreateProgramOptions): ProgramContext {
  const { io } = options;
  const width = helpWidthOf(io.columns);
  const color = colorEnabled(io.env, io.isTTY === true);
  const pendingErr: string[] = [];
  const program: AnyCommand = new Command(options.name);
  program
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => pendingErr.push(text),
      // The app prints errors its own way (runProgram), never commander.
      outputError: () => {},
      getOutHelpWidth: () => width,
      getErrHelpWidth: () => width,
      getOutHasColors: () => color,
      getErrHasColors: () => color,
    })
    .configureHelp({
      styleTitle: (text) => bold(text, color),
      // A word wider than the column ("clip-rn50|clip-rn101|…") wraps at its "|" and ",".
      boxWrap(text: string, columns: number) {
        return Help.prototype.boxWrap.call(this, breakLongWords(text, columns), columns);
      },
      // Sub-commands by their whole name ("models list"), as they are typed.
      subcommandTerm: (cmd) => {
        const path: string[] = cmd.parent ? [] : [cmd.name()];
        for (let c: AnyCommand | null = cmd as AnyCommand; c?.parent; c = c.parent as AnyCommand)
          path.unshift(c.name());
        const args = cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`));
        return [...path, ...args].join(" ");
      },
    })
    .helpCommand("help [command...]", "show the help of a command, e.g. `help optimize`")
    .addHelpText("beforeAll", ({ command }): string =>
      command === program ? `${wrapText(options.title, width)}\n` : "",
    );
  const context: ProgramContext = { program, io, width, color, exitCode: EXIT.ok, pendingErr };
  // `--version` anywhere on the line: commander recognises a program option before and after the
  // command's own (unless positional options are enabled, which they are not here).
  program.version(options.version, "-v, --version", "print the version and exit");
  return context;
}

/** A command's help text after the options: notes (wrapped prose) and examples (wrapped command lines). */
export function addHelpNotes(
  ctx: ProgramContext,
  cmd: AnyCommand,
  notes: { notes?: string | undefined; examples?: readonly string[] },
): void {
  const parts: string[] = [];
  if (notes.notes) parts.push(wrapText(notes.notes, ctx.width));
  if (notes.examples?.length) parts.push(examplesBlock(notes.examples, ctx.width));
  if (parts.length > 0) cmd.addHelpText("after", `\n${parts.join("\n\n")}`);
}

/**
 * `<program> completion bash|zsh|fish`: prints a completion script generated from the command tree
 * (so it always matches the commands and flags of this version).
 */
export function addCompletionCommand(ctx: ProgramContext): void {
  const name = ctx.program.name();
  const cmd = ctx.program
    .command("completion")
    .summary("print a shell completion script (bash, zsh or fish)")
    .description(
      `Prints a shell completion script for ${name}: its commands, sub-commands and flags complete on Tab.`,
    )
    .addArgument(new Argument("<shell>", "the shell").choices(SHELLS))
    .action((shell) => {
      ctx.io.stdout(completionScript(ctx.program, shell as Shell));
    });
  addHelpNotes(ctx, cmd, {
    examples: [
      `eval "$(${name} completion bash)"`,
      `${name} completion zsh > "\${fpath[1]}/_${name}"`,
      `${name} completion fish | source`,
    ],
  });
}

function eachCommand(cmd: AnyCommand, visit: (c: AnyCommand) => void): void {
  visit(cmd);
  for (const sub of cmd.commands) eachCommand(sub as AnyCommand, visit);
}

/** The words of `cmd`'s command line after the program's name ("models list"); "" for the program. */
export function commandPath(cmd: AnyCommand | null): string {
  const words: string[] = [];
  for (let c = cmd; c?.parent; c = c.parent as AnyCommand) words.unshift(c.name());
  return words.join(" ");
}

export interface RunProgramOptions {
  /** Applied to every error first (e.g. to mask a password in its text). */
  mapError?: (error: unknown) => unknown;
  /** The exit code of an error that is not a usage error (default: 130 for an abort, else 1). */
  exitCodeOf?: (error: unknown) => number | undefined;
  /** Prints an error that is not a usage error, in text mode (default: `error: <message — hint>`). */
  printError?: (io: KitIo, error: unknown, exitCode: number) => void;
}

/** Usage errors commander reports (its CommanderError codes). */
const USAGE_CODES = new Set([
  "commander.unknownOption",
  "commander.unknownCommand",
  "commander.missingArgument",
  "commander.optionMissingArgument",
  "commander.missingMandatoryOptionValue",
  "commander.excessArguments",
  "commander.invalidArgument",
  "commander.conflictingOption",
  "commander.help",
]);

/**
 * The argv a program parses: `help a b` is `a b --help` (commander's help command takes one word);
 * `help <typo>` is `<typo>`, so it gets commander's "unknown command" error and suggestion.
 */
function withHelpCommand(program: AnyCommand, argv: readonly string[]): string[] {
  if (argv[0] !== "help" || argv.length < 2) return [...argv];
  const words = argv.slice(1);
  let cmd = program;
  for (const word of words) {
    const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) return words;
    cmd = sub as AnyCommand;
  }
  return [...words, "--help"];
}

/** `--json` given before any `--`: errors are then one JSON document on stdout. */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
}

/** Commander's message without its "error: " prefix, its suggestion on the same line. */
function commanderMessage(error: CommanderError): string {
  return error.message
    .replace(/^error: /, "")
    .replace(/\n\(Did you mean (.+)\?\)$/, " — did you mean $1?")
    .replace(/'([^'\s]+)'/g, '"$1"');
}

function groupNames(cmd: AnyCommand): string {
  const path = commandPath(cmd);
  return cmd.commands.map((c) => `"${path} ${c.name()}"`).join(" or ");
}

/**
 * Parses `argv` with `ctx.program` and runs the command; returns the exit code. Usage errors
 * (commander's, or a UsageError an option parser or a command throws) are `error: …` plus the
 * line that says where the help is, exit 2; any other error is the app's (`printError`). With
 * `--json`, every error is one JSON document on stdout instead:
 * `{"error": {"message", "hint"?, "kind", "command", "exitCode"}}`.
 */
export async function runProgram(
  ctx: ProgramContext,
  argv: readonly string[],
  options: RunProgramOptions = {},
): Promise<number> {
  const { program, io } = ctx;
  const name = program.name();
  let current: AnyCommand = program;
  eachCommand(program, (cmd) => {
    cmd.hook("preSubcommand", (_parent, sub) => {
      current = sub as AnyCommand;
    });
  });
  const flush = () => {
    for (const text of ctx.pendingErr.splice(0)) io.stderr(text);
  };
  const json = wantsJson(argv);
  const fail = (kind: string, message: string, exitCode: number, hint?: string) => {
    const command = commandPath(current);
    if (json) {
      const doc = {
        error: {
          kind,
          message,
          ...(hint ? { hint } : {}),
          command: `${name}${command ? ` ${command}` : ""}`,
          exitCode,
        },
      };
      io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    }
    return exitCode;
  };
  const usage = (message: string, extra = "") => {
    const command = commandPath(current);
    const where = command ? `${name} ${command}` : name;
    const line = command
      ? `usage: run \`${where} --help\` for the options and an example`
      : `usage: run \`${name} --help\` for the commands and an example`;
    if (json) return fail("usage", message, EXIT.usage, line.replace(/^usage: /, ""));
    io.stderr(`${red("error:", ctx.color)} ${message}\n${line}\n${extra}`);
    return EXIT.usage;
  };
  try {
    await program.parseAsync(withHelpCommand(program, argv), { from: "user" });
    flush();
    return ctx.exitCode;
  } catch (caught) {
    const error = options.mapError ? options.mapError(caught) : caught;
    const isGroup = current !== program && current.commands.length > 0;
    const groupError =
      error instanceof CommanderError &&
      isGroup &&
      (error.code === "commander.help" || error.code === "commander.unknownCommand");
    // The help commander wrote for a missing sub-command is replaced by the group's message.
    if (groupError || json) ctx.pendingErr.length = 0;
    else flush();
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return EXIT.ok;
      if (!USAGE_CODES.has(error.code)) return usage(commanderMessage(error));
      if (error.code === "commander.help" && current === program)
        return json ? usage("missing command") : EXIT.usage;
      if (groupError) {
        const suggestion = /\(Did you mean (.+)\?\)/.exec(error.message)?.[1];
        const message = `unknown or missing sub-command for "${commandPath(current)}": use ${groupNames(current)}${suggestion ? ` (did you mean "${commandPath(current)} ${suggestion}"?)` : ""}`;
        return usage(message, `\n${current.helpInformation()}`);
      }
      return usage(commanderMessage(error));
    }
    if (error instanceof UsageError) return usage(error.message);
    const aborted = VlmoptError.isInstance(error) && error.kind === "abort";
    const exitCode = options.exitCodeOf?.(error) ?? (aborted ? EXIT.interrupted : EXIT.error);
    if (json) {
      const kind = VlmoptError.isInstance(error) ? error.kind : "error";
      const hint = VlmoptError.isInstance(error) ? error.hint : undefined;
      return fail(kind, error instanceof Error ? error.message : String(error), exitCode, hint);
    }
    if (options.printError) options.printError(io, error, exitCode);
    else io.stderr(`${red("error:", ctx.color)} ${displayMessage(error)}\n`);
    return exitCode;
  }
}
