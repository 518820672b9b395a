import { loadPluginModules, type Registry } from "@vlmopt/registry";

/**
 * The registry with the entries of the plugin modules a command names (`--plugin <module>`,
 * VLMOPT_PLUGIN, "plugins" in vlmopt.config.json) looked up first; the registry itself when none.
 */
export async function withPluginModules(
  registry: Registry,
  names: readonly string[] | undefined,
  cwd: string,
): Promise<Registry> {
  if (!Array.isArray(names) || names.length === 0) return registry;
  return registry.extend(await loadPluginModules(names, { cwd, what: "plugin" }));
}
