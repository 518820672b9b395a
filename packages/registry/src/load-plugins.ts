import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError, type VlmoptPlugin } from "@vlmopt/core";
import { assertPlugin, registeredPlugins } from "./plugin-set.js";

/** "./x.js", "../x", "/abs/x.mjs", "C:\\x": a file, not a package name. */
const isPath = (s: string) => s.startsWith(".") || isAbsolute(s);

type Exports = string | { [key: string]: Exports } | null | undefined;

/** The file an `exports` field maps "." to under the import/default conditions (Node's rules, simplified). */
function exportTarget(exp: Exports): string | undefined {
  if (typeof exp === "string") return exp;
  if (!exp || typeof exp !== "object") return undefined;
  if ("." in exp) return exportTarget(exp["."]);
  for (const condition of ["node", "import", "default"]) {
    const target = exportTarget(exp[condition]);
    if (target) return target;
  }
  return undefined;
}

/**
 * The entry file of package `name` as seen from `cwd`: require.resolve when the package allows
 * it, else its package.json's `exports` ("." → import/default) or `main`, found by walking up the
 * node_modules folders (https://nodejs.org/api/packages.html#package-entry-points).
 */
function resolvePackage(name: string, cwd: string): string | undefined {
  try {
    return createRequire(join(cwd, "package.json")).resolve(name);
  } catch {
    // ESM-only packages ("exports" with "import" only) are not require-resolvable: look them up.
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const pkgDir = join(dir, "node_modules", name);
    const pkgFile = join(pkgDir, "package.json");
    if (existsSync(pkgFile)) {
      const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { exports?: Exports; main?: string };
      return join(pkgDir, exportTarget(pkg.exports) ?? pkg.main ?? "index.js");
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The entries a plugin module gives: its `plugins` export, its default export (one or a list). */
function entriesOf(module: Record<string, unknown>, where: string): VlmoptPlugin[] {
  const given = module.plugins ?? module.default;
  if (given === undefined) return [];
  const list = Array.isArray(given) ? given : [given];
  list.forEach((p, i) => {
    assertPlugin(p, `${where}: entry ${i + 1}`);
  });
  return list as VlmoptPlugin[];
}

/**
 * Imports plugin modules (package names resolved from `cwd`, or paths relative to it) and returns
 * the entries they give: the module's `plugins` export or default export (an entry or a list),
 * plus any it registered with registerPlugin() while loading. A list item may hold several
 * modules separated by commas (VLMOPT_PLUGIN="a,b"). A module that cannot be found, fails to
 * load or gives no entry is a ConfigError naming it.
 */
export async function loadPluginModules(
  specifiers: readonly string[],
  options: { cwd: string; what?: string },
): Promise<VlmoptPlugin[]> {
  const what = options.what ?? "--plugin";
  const names = specifiers
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter(Boolean);
  const out: VlmoptPlugin[] = [];
  for (const name of names) {
    const file = isPath(name) ? resolve(options.cwd, name) : resolvePackage(name, options.cwd);
    if (!file || !existsSync(file)) {
      throw new ConfigError(
        `${what} ${JSON.stringify(name)}: cannot find ${file ?? `package "${name}"`} (from ${options.cwd})`,
        {
          hint: isPath(name)
            ? "give the path of the plugin module (relative to the working directory)"
            : `install it where vlmopt runs (e.g. pnpm add ${name}), or give the path of its module`,
        },
      );
    }
    const before = registeredPlugins().length;
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(
        `${what} ${JSON.stringify(name)}: loading ${file} failed: ${(error as Error).message}`,
        {
          hint: 'fix the plugin module, or remove it from --plugin / VLMOPT_PLUGIN / "plugins" in vlmopt.config.json',
        },
      );
    }
    const given = [
      ...entriesOf(module, `${what} ${JSON.stringify(name)}`),
      ...registeredPlugins().slice(before),
    ];
    if (given.length === 0) {
      throw new ConfigError(`${what} ${JSON.stringify(name)}: ${file} gives no plugin entry`, {
        hint: 'export `plugins` (a list of entries) or a default export, or call registerPlugin() from "@vlmopt/registry"',
      });
    }
    out.push(...given);
  }
  return out;
}
