import type { VlmoptPlugin } from "@vlmopt/core";
import { assertPlugin } from "../plugin-set.js";

export interface PluginProblemsOptions {
  /** Entries the plugin's prefixes and names must not collide with (default: none). */
  builtins?: readonly VlmoptPlugin[];
  /** Prefixes or names the plugin replaces on purpose (an override of a built-in). */
  replaces?: readonly string[];
}

const SPEC_WORD = /^[a-z0-9][a-z0-9._-]*$/;

function labelOf(p: VlmoptPlugin): string {
  if (p.kind === "strategy") return `strategy "${p.name}"`;
  const ids = [...(p.prefixes ?? []), ...("names" in p ? (p.names ?? []) : [])];
  return `${p.kind} ${ids.length ? ids.map((i) => `"${i}"`).join(", ") : "(matches())"}`;
}

/** The prefixes or names an entry claims on a command line. */
function claimsOf(p: VlmoptPlugin): string[] {
  if (p.kind === "strategy") return [p.name];
  return [...(p.prefixes ?? []), ...("names" in p ? (p.names ?? []) : [])];
}

/**
 * What is wrong with plugin entries, one line each (empty: nothing). It checks what the registry
 * and the CLI rely on: the shape (`specificationVersion`, `kind`), spec prefixes and names that can
 * be typed, help forms that start with the entry's own prefix, a way to match specs, strategy
 * parameters whose defaults are complete (`--strategy <name>` with no `--param`), and no prefix or
 * name already claimed by another entry of the same kind.
 */
export function pluginProblems(entries: readonly unknown[], options: PluginProblemsOptions = {}): string[] {
  const problems: string[] = [];
  const replaces = new Set(options.replaces ?? []);
  const taken = new Map<string, string>();
  for (const b of options.builtins ?? []) {
    for (const c of claimsOf(b)) taken.set(`${b.kind}:${c}`, `a built-in ${labelOf(b)}`);
  }
  entries.forEach((entry, i) => {
    try {
      assertPlugin(entry, `entry ${i + 1}`);
    } catch (e) {
      problems.push(`entry ${i + 1}: ${(e as Error).message}`);
      return;
    }
    const p = entry;
    const label = `entry ${i + 1} (${labelOf(p)})`;
    for (const c of claimsOf(p)) {
      if (!SPEC_WORD.test(c))
        problems.push(`${label}: "${c}" cannot be typed as a spec word (a-z, 0-9, ".", "_", "-")`);
      const key = `${p.kind}:${c}`;
      const owner = taken.get(key);
      if (owner && !replaces.has(c)) problems.push(`${label}: "${c}" is already claimed by ${owner}`);
      taken.set(key, label);
    }
    if (p.kind === "llm-provider") {
      if (p.prefixes.length === 0) problems.push(`${label}: no prefixes`);
      if (p.help.length === 0) problems.push(`${label}: no help forms (--llm help lists them)`);
      for (const h of p.help) {
        const prefix = /^[a-z0-9._-]*/i.exec(h.form)?.[0] ?? "";
        if (!p.prefixes.includes(prefix))
          problems.push(`${label}: help form "${h.form}" does not start with one of its prefixes`);
        if (!h.description.trim()) problems.push(`${label}: help form "${h.form}" has no description`);
      }
    } else if (p.kind === "strategy") {
      if (!p.description.trim()) problems.push(`${label}: no description`);
      const defaults = p.params.safeParse({});
      if (!defaults.success)
        problems.push(
          `${label}: its parameters have no complete defaults (${defaults.error.issues.map((x) => x.path.join(".")).join(", ")})`,
        );
    } else {
      const names = "names" in p ? (p.names ?? []) : [];
      if (!(p.prefixes?.length || names.length || p.matches))
        problems.push(
          `${label}: neither prefixes${p.kind === "dataset-source" ? ", names" : ""} nor matches(): no spec can reach it`,
        );
    }
  });
  return problems;
}
