import { VlmoptError } from "@vlmopt/core";
import { createRegistry, type Registry } from "@vlmopt/registry";
import { inCliForm, withCliForm } from "./cli-name.js";
import { helpText, parseCommand } from "./command.js";
import type { Command } from "./command-context.js";
import { datasetsCheckCommand, datasetsListCommand } from "./commands/datasets.js";
import { datasetsDownloadCommand } from "./commands/datasets-download.js";
import { evalCommand } from "./commands/eval.js";
import { exportCommand } from "./commands/export.js";
import { modelsDownloadCommand, modelsListCommand } from "./commands/models.js";
import { optimizeCommand } from "./commands/optimize.js";
import { reportCommand } from "./commands/report.js";
import { resumeCommand } from "./commands/resume.js";
import { strategiesListCommand } from "./commands/strategies.js";
import { transferCommand } from "./commands/transfer.js";
import { uiCommand } from "./commands/ui.js";
import { printError } from "./error-output.js";
import { EXIT } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import { UsageError } from "./usage-error.js";
import { VERSION } from "./version.js";

/** Every command by its name ("models list" for sub-commands). */
export const COMMANDS: readonly Command[] = [
  optimizeCommand,
  evalCommand,
  resumeCommand,
  transferCommand,
  exportCommand,
  reportCommand,
  uiCommand,
  modelsListCommand,
  modelsDownloadCommand,
  datasetsListCommand,
  datasetsCheckCommand,
  datasetsDownloadCommand,
  strategiesListCommand,
];

const GROUPS = ["models", "datasets", "strategies"];

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 2;
  const lines = [
    `vlmopt ${VERSION} — a chat LLM as a black-box optimizer of CLIP prompt templates`,
    "",
    "Usage: vlmopt <command> [options]   (vlmopt <command> --help for its options)",
    "",
    "Commands:",
    ...COMMANDS.map(
      (c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary.split(/(?<=[a-z0-9)'’]{3}\.) (?=[A-Z])/)[0]}`,
    ),
    "",
    "Your own images: --dataset ./my_folder (one sub-folder of images per class), folder:<dir> or",
    "manifest:<file.csv> (rows path,label[,split]); no --data-root needed. Check them first with",
    "`vlmopt datasets check ./my_folder`.",
    "",
    "Examples:",
    "  vlmopt optimize --dataset eurosat --data-root ../shared/datasets --model clip-vit-b32 --llm anthropic:claude-sonnet-4-5 --iterations 10",
    "  vlmopt optimize --dataset ./my_folder --model clip-vit-b32 --llm anthropic:claude-sonnet-4-5 --iterations 10",
  ];
  return `${lines.join("\n")}\n`;
}

const subCommands = (group: string) => COMMANDS.filter((c) => c.spec.name.startsWith(`${group} `));

/** `vlmopt models --help`: the group's sub-commands. */
export function groupHelp(group: string): string {
  const commands = subCommands(group);
  const width = Math.max(...commands.map((c) => c.spec.name.length)) + 2;
  const lines = [
    `Usage: vlmopt ${group} <sub-command> [options]   (vlmopt ${group} <sub-command> --help for its options)`,
    "",
    "Sub-commands:",
    ...commands.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`),
    "",
    commands.length > 1 ? "Examples:" : "Example:",
    ...commands.map((c) => `  ${c.spec.examples[0] ?? `vlmopt ${c.spec.name}`}`),
  ];
  return `${lines.join("\n")}\n`;
}

/** The second line of every usage error (exit 2): where the options or the commands are. */
function usageLine(command: string): string {
  return command
    ? `usage: run \`vlmopt ${command} --help\` for the options and an example\n`
    : "usage: run `vlmopt --help` for the commands and an example\n";
}

function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | null {
  const [first, second] = argv;
  if (first && GROUPS.includes(first) && second && !second.startsWith("-")) {
    const command = COMMANDS.find((c) => c.spec.name === `${first} ${second}`);
    return command ? { command, rest: argv.slice(2) } : null;
  }
  const command = COMMANDS.find((c) => c.spec.name === first);
  return command ? { command, rest: argv.slice(1) } : null;
}

/**
 * Runs the CLI in-process and returns the exit code: 0 done, 1 error, 2 usage, 3 budget reached
 * before the requested iterations, 130 interrupted.
 */
export async function run(
  argv: readonly string[],
  ioIn: CliIo,
  registry: Registry = createRegistry(),
): Promise<number> {
  const io = withCliForm(ioIn);
  const help = (text: string) => io.stdout(inCliForm(text, io.env));
  const first = argv[0];
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    if (first === undefined) io.stderr(mainHelp());
    else help(mainHelp());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === "--version" || first === "-v") {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (GROUPS.includes(first) && (argv[1] === "--help" || argv[1] === "-h" || argv[1] === "help")) {
    help(groupHelp(first));
    return EXIT.ok;
  }
  const found = findCommand(argv);
  if (!found) {
    const group = GROUPS.includes(first) ? first : null;
    const message = group
      ? `unknown or missing sub-command for "${group}": use ${subCommands(group)
          .map((c) => `"${c.spec.name}"`)
          .join(" or ")}`
      : `unknown command "${first}"`;
    io.stderr(`error: ${message}\n${usageLine(group ?? "")}${group ? `\n${groupHelp(group)}` : ""}`);
    return EXIT.usage;
  }
  const { command, rest } = found;
  const verbose = rest.includes("--verbose");
  try {
    const parsed = parseCommand(command.spec, rest, io);
    if (parsed.help) {
      help(helpText(command.spec));
      return EXIT.ok;
    }
    return await command.run(parsed, { io, registry });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n${usageLine(command.spec.name)}`);
      return EXIT.usage;
    }
    if (VlmoptError.isInstance(error) && error.kind === "abort") {
      io.stderr("interrupted\n");
      return EXIT.interrupted;
    }
    printError(io, error, verbose);
    return EXIT.error;
  }
}
