import {
  type BackbonePlugin,
  ConfigError,
  type DatasetSourcePlugin,
  type LlmProviderPlugin,
  type StrategyPlugin,
  type VlmoptPlugin,
} from "@vlmopt/core";

/** Plugins sorted by kind, in lookup order (the first entry that owns a spec wins). */
export interface PluginSet {
  readonly llmProviders: readonly LlmProviderPlugin[];
  readonly backbones: readonly BackbonePlugin[];
  readonly strategies: readonly StrategyPlugin[];
  readonly datasetSources: readonly DatasetSourcePlugin[];
}

const KINDS = ["llm-provider", "backbone", "strategy", "dataset-source"] as const;

/** A ConfigError unless `value` is a plugin entry of a kind this version knows. */
export function assertPlugin(value: unknown, where: string): asserts value is VlmoptPlugin {
  const v = value as { specificationVersion?: unknown; kind?: unknown } | null;
  if (!v || typeof v !== "object" || v.specificationVersion !== "v1" || !KINDS.includes(v.kind as never)) {
    throw new ConfigError(`${where} is not a vlmopt plugin entry`, {
      hint: `an entry has specificationVersion "v1" and kind ${KINDS.map((k) => `"${k}"`).join(", ")} (see @vlmopt/core's plugins.ts)`,
    });
  }
}

/** Sorts entries by kind, keeping their order. */
export function pluginSetOf(plugins: readonly VlmoptPlugin[]): PluginSet {
  return {
    llmProviders: plugins.filter((p): p is LlmProviderPlugin => p.kind === "llm-provider"),
    backbones: plugins.filter((p): p is BackbonePlugin => p.kind === "backbone"),
    strategies: plugins.filter((p): p is StrategyPlugin => p.kind === "strategy"),
    datasetSources: plugins.filter((p): p is DatasetSourcePlugin => p.kind === "dataset-source"),
  };
}

// Kept on globalThis, so that a plugin package with its own copy of @vlmopt/registry registers
// into the same list as the CLI that imports it.
const GLOBAL = Symbol.for("vlmopt.registry.plugins");
type WithPlugins = typeof globalThis & { [GLOBAL]?: VlmoptPlugin[] };

function globalList(): VlmoptPlugin[] {
  const g = globalThis as WithPlugins;
  g[GLOBAL] ??= [];
  return g[GLOBAL];
}

/**
 * Registers out-of-tree plugin entries for every registry created afterwards in this process
 * (`createRegistry()`, the CLI, the bench). They are looked up before the built-ins, so an entry
 * may also replace a built-in prefix or name. The one call a plugin package makes:
 *
 *     import { registerPlugin } from "@vlmopt/registry";
 *     registerPlugin(myStrategy, myProvider);
 */
export function registerPlugin(...plugins: VlmoptPlugin[]): void {
  plugins.forEach((p, i) => {
    assertPlugin(p, `registerPlugin() argument ${i + 1}`);
  });
  globalList().push(...plugins);
}

/** The entries registered with registerPlugin(), in order. */
export function registeredPlugins(): readonly VlmoptPlugin[] {
  return [...globalList()];
}

/** Forgets every registerPlugin() entry (tests). */
export function clearRegisteredPlugins(): void {
  globalList().length = 0;
}
