import type { Registry } from "@vlmopt/registry";
import { findConfigFile, loadConfigFile } from "./config-file.js";
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

/** The "plugins" of the config file the command would read (--config, else ./vlmopt.config.json). */
function configPluginNames(argv: readonly string[], cwd: string): string[] {
  const at = argv.indexOf("--config");
  const explicit =
    at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith("--config="))?.slice("--config=".length);
  const file = findConfigFile(cwd, explicit);
  const plugins = file ? loadConfigFile(file).plugins : undefined;
  return Array.isArray(plugins) ? plugins.map(String) : [];
}

/**
 * The spec forms for help: the registry's, with the entries of the plugin modules the command line,
 * VLMOPT_PLUGIN and the config file's "plugins" name. A module or config file that fails to load
 * is left out here (help still prints); running the command reports it.
 */
export async function helpForms(registry: Registry, argv: readonly string[], io: CliIo): Promise<SpecForms> {
  try {
    const names = [...pluginNames(argv, io.env), ...configPluginNames(argv, io.cwd)];
    return specFormsOf(await withPluginModules(registry, names, io.cwd));
  } catch {
    return specFormsOf(registry);
  }
}
