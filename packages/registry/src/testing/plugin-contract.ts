/**
 * The contract an out-of-tree plugin module meets, as a vitest suite (exported from
 * `@vlmopt/registry/testing`): `pluginContract({ name: "my-plugins", plugins: [myStrategy, myLlm] })`.
 */
import type { VlmoptPlugin } from "@vlmopt/core";
import { searchStrategyContract } from "@vlmopt/search-strategies/testing";
import { describe, expect, it } from "vitest";
import { builtinPlugins, createRegistry } from "../registry.js";
import { pluginProblems } from "./plugin-problems.js";

export interface PluginContractOptions {
  name: string;
  /** The module's entries (what its `plugins` export or registerPlugin() call gives). */
  plugins: readonly VlmoptPlugin[];
  /** Built-in prefixes or names the module replaces on purpose. */
  replaces?: readonly string[];
}

export function pluginContract(options: PluginContractOptions): void {
  describe(`vlmopt plugin contract: ${options.name}`, () => {
    it("every entry has the shape the registry relies on, and claims nothing already taken", () => {
      expect(
        pluginProblems(options.plugins, { builtins: builtinPlugins(), replaces: options.replaces }),
      ).toEqual([]);
    });

    it("a registry lists each LLM form and strategy with the built-in ones", async () => {
      const registry = createRegistry({ plugins: options.plugins });
      const forms = registry.listLlms().map((e) => e.name);
      const strategies = (await registry.listStrategies()).map((e) => e.name);
      for (const p of options.plugins) {
        if (p.kind === "llm-provider") for (const h of p.help) expect(forms).toContain(h.form);
        if (p.kind === "strategy") expect(strategies).toContain(p.name);
      }
    });
  });
  for (const p of options.plugins) {
    if (p.kind !== "strategy") continue;
    searchStrategyContract({
      name: `${options.name}: ${p.name}`,
      create: () => p.create(p.params.parse({}), {}),
    });
  }
}
