import { loadPluginModules, type Registry } from "@vlmopt/registry";
import type { Settings } from "./config.js";

/**
 * The registry with the entries of the plugin modules a command names (`--plugin <module>`,
 * VLMOPT_PLUGIN, "plugins" in vlmopt.config.json) looked up first; the registry itself when none.
 */
export async function withPluginModules(
  registry: Registry,
  settings: Settings,
  cwd: string,
): Promise<Registry> {
  const names = settings.plugins;
  if (!Array.isArray(names) || names.length === 0) return registry;
  return registry.extend(await loadPluginModules(names, { cwd, what: "plugin" }));
}
