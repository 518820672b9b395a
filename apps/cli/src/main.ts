import {
  type AnyCommand,
  addCompletionCommand,
  addHelpNotes,
  createProgram,
  inCliForm,
  runProgram,
  withCliForm,
} from "@vlmopt/cli-kit";
import { VlmoptError } from "@vlmopt/core";
import type { Registry } from "@vlmopt/registry";
import { addSpecCommand, type CommandSpec, type ParsedCommand } from "./command.js";
import type { Command, CommandContext } from "./command-context.js";
import {
  datasetsCheckSpec,
  datasetsDownloadSpec,
  datasetsListSpec,
  evalSpec,
  exportSpec,
  modelsDownloadSpec,
  modelsListSpec,
  optimizeSpec,
  reportSpec,
  resumeSpec,
  strategiesListSpec,
  transferSpec,
  uiSpec,
} from "./command-specs.js";
import { printError } from "./error-output.js";
import { EXIT } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import { withPluginModules } from "./plugin-modules.js";
import { asksForHelp, helpForms, type SpecForms } from "./spec-forms.js";
import { VERSION } from "./version.js";

/** A command of the table; its code is imported only when it runs, so `--help` stays fast. */
export interface LazyCommand {
  spec: CommandSpec;
  load(): Promise<Command>;
}

const lazy = (spec: CommandSpec, load: () => Promise<unknown>): LazyCommand => ({
  spec,
  load: load as () => Promise<Command>,
});

/** Every command by its name ("models list" for sub-commands), in the order help lists them. */
export const COMMANDS: readonly LazyCommand[] = [
  lazy(optimizeSpec, async () => (await import("./commands/optimize.js")).optimizeCommand),
  lazy(evalSpec, async () => (await import("./commands/eval.js")).evalCommand),
  lazy(exportSpec, async () => (await import("./commands/export.js")).exportCommand),
  lazy(resumeSpec, async () => (await import("./commands/resume.js")).resumeCommand),
  lazy(transferSpec, async () => (await import("./commands/transfer.js")).transferCommand),
  lazy(reportSpec, async () => (await import("./commands/report.js")).reportCommand),
  lazy(uiSpec, async () => (await import("./commands/ui.js")).uiCommand),
  lazy(modelsListSpec, async () => (await import("./commands/models.js")).modelsListCommand),
  lazy(modelsDownloadSpec, async () => (await import("./commands/models.js")).modelsDownloadCommand),
  lazy(datasetsListSpec, async () => (await import("./commands/datasets.js")).datasetsListCommand),
  lazy(datasetsCheckSpec, async () => (await import("./commands/datasets.js")).datasetsCheckCommand),
  lazy(
    datasetsDownloadSpec,
    async () => (await import("./commands/datasets-download.js")).datasetsDownloadCommand,
  ),
  lazy(strategiesListSpec, async () => (await import("./commands/strategies.js")).strategiesListCommand),
];

const GROUPS: Record<string, string> = {
  models: "CLIP models: list the known ones, download one into the cache",
  datasets: "datasets: list them, check one on disk, download one",
  strategies: "search strategies: list them with their parameters",
};

const TITLE = `vlmopt ${VERSION} — a chat LLM as a black-box optimizer of CLIP prompt templates`;

const MAIN_NOTES =
  "Your own images: --dataset ./my_folder (one sub-folder of images per class), folder:<dir> or manifest:<file.csv> (rows path,label[,split]); no --data-root needed. Check them first with `vlmopt datasets check ./my_folder`.";

const MAIN_EXAMPLES = [
  "vlmopt optimize --dataset eurosat --data-root ../shared/datasets --model clip-vit-b32 --llm anthropic:claude-sonnet-4-5 --iterations 10",
  "vlmopt optimize --dataset ./my_folder --model clip-vit-b32 --llm anthropic:claude-sonnet-4-5 --iterations 10",
];

/**
 * The commander program of `vlmopt` over `io`; `registry` is made on first use. `forms` (the
 * registry's spec forms) fill the help of --llm and --model when help is printed.
 */
function buildProgram(io: CliIo, registry: () => Promise<Registry>, forms?: SpecForms) {
  // Help and usage lines name commands in the form that was run (`pnpm vlmopt …`).
  const ctx = createProgram({
    name: "vlmopt",
    version: VERSION,
    title: TITLE,
    io: { ...io, stdout: (text) => io.stdout(inCliForm(text, io.env)), columns: io.columns },
  });
  const { program } = ctx;
  program.usage("<command> [options]");
  addHelpNotes(ctx, program, { notes: MAIN_NOTES, examples: MAIN_EXAMPLES });
  const groups = new Map<string, AnyCommand>();
  for (const entry of COMMANDS) {
    const [first, second] = entry.spec.name.split(" ") as [string, string?];
    let parent = program;
    if (second) {
      let group = groups.get(first);
      if (!group) {
        group = program.command(first).summary(GROUPS[first] ?? first) as AnyCommand;
        group.usage("<sub-command> [options]");
        groups.set(first, group);
      }
      parent = group;
    }
    addSpecCommand(
      ctx,
      io,
      parent,
      entry.spec,
      async (parsed: ParsedCommand) => {
        const command = await entry.load();
        const context: CommandContext = {
          io,
          registry: await withPluginModules(await registry(), parsed.settings.plugins, io.cwd),
        };
        return command.run(parsed as never, context);
      },
      forms,
    );
  }
  for (const [name, group] of groups) {
    const subs = COMMANDS.filter((c) => c.spec.name.startsWith(`${name} `));
    addHelpNotes(ctx, group, { examples: subs.map((c) => c.spec.examples[0] ?? `vlmopt ${c.spec.name}`) });
  }
  addCompletionCommand(ctx);
  return ctx;
}

/**
 * Runs the CLI in-process and returns the exit code: 0 done, 1 error, 2 usage, 3 budget reached
 * before the requested iterations, 4 no usable template, 130 interrupted.
 */
export async function run(argv: readonly string[], ioIn: CliIo, registry?: Registry): Promise<number> {
  const io = withCliForm(ioIn);
  let made: Promise<Registry> | undefined;
  const registryOf = () => {
    made ??= registry
      ? Promise.resolve(registry)
      : import("@vlmopt/registry").then((m) => m.createRegistry());
    return made;
  };
  // Only help shows the spec forms: other command lines do not wait for the registry here.
  const forms = asksForHelp(argv) ? await helpForms(await registryOf(), argv, io) : undefined;
  const ctx = buildProgram(io, registryOf, forms);
  const verbose = argv.includes("--verbose");
  return runProgram(ctx, argv, {
    printError: (_io, error) => {
      if (VlmoptError.isInstance(error) && error.kind === "abort") {
        io.stderr("interrupted\n");
        return;
      }
      printError(io, error, verbose);
    },
    exitCodeOf: (error) =>
      VlmoptError.isInstance(error) && error.kind === "abort" ? EXIT.interrupted : EXIT.error,
  });
}
