import type { Registry } from "@vlmopt/registry";
import type { CliIo } from "./io.js";
import { withPluginModules } from "./plugin-modules.js";

/** The spec forms the help of --llm and --model lists, by the kind of entry that owns them (OptionSpec.formsOf). */
export type SpecForms = Record<"llm-provider" | "backbone", readonly string[]>;

/**
 * The forms of every LLM provider and backbone entry of `registry`, from the entries' own help
 * lines ("anthropic:<model>", "random:<tiny|…>", "jina:<model>[?dimensions=N]"), in lookup order:
 * an out-of-tree entry (registerPlugin, --plugin) is listed with no edit to the app.
 */
export function specFormsOf(registry: Registry): SpecForms {
  const forms = (entries: readonly { help: readonly { form: string }[] }[]) => [
    ...new Set(entries.flatMap((e) => e.help.map((h) => h.form))),
  ];
  return {
    "llm-provider": forms(registry.plugins.llmProviders),
    backbone: forms(registry.plugins.backbones),
  };
}

/** True when the command line prints help (`--help`, `-h`, `help <cmd>`). */
export function asksForHelp(argv: readonly string[]): boolean {
  return argv[0] === "help" || argv.includes("--help") || argv.includes("-h");
}

/** The plugin modules a command line names (`--plugin <m>`, `--plugin=<m>`) and VLMOPT_PLUGIN's. */
function pluginNames(argv: readonly string[], env: Record<string, string | undefined>): string[] {
  const names: string[] = [];
  argv.forEach((arg, i) => {
    if (arg === "--plugin" && argv[i + 1] !== undefined) names.push(argv[i + 1] as string);
    else if (arg.startsWith("--plugin=")) names.push(arg.slice("--plugin=".length));
  });
  for (const name of (env.VLMOPT_PLUGIN ?? "").split(",")) if (name.trim()) names.push(name.trim());
  return names;
}

/**
 * The spec forms for help: the registry's, with the entries of the plugin modules the command line
 * names. A module that fails to load is left out here (help still prints); running the command
 * reports it.
 */
export async function helpForms(registry: Registry, argv: readonly string[], io: CliIo): Promise<SpecForms> {
  try {
    return specFormsOf(await withPluginModules(registry, pluginNames(argv, io.env), io.cwd));
  } catch {
    return specFormsOf(registry);
  }
}
