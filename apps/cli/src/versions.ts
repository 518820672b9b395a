import { readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { VERSION } from "./version.js";

interface PackageJson {
  version?: string;
  dependencies?: Record<string, string>;
}

function readPackage(dir: string): PackageJson | null {
  try {
    return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;
  } catch {
    return null;
  }
}

/** The directory of package `name` as Node would find it from `from` (node_modules upwards). */
function packageDir(name: string, from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (readPackage(candidate)) return realpathSync(candidate);
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Versions recorded in a run's manifest: this CLI, every @vlmopt package it depends on, Node, and
 * onnxruntime-node (as clip-embedding resolves it). A package that cannot be found is left out.
 */
export function collectVersions(): Record<string, string> {
  const out: Record<string, string> = { "@vlmopt/cli": VERSION, node: process.version };
  const cliDir = fileURLToPath(new URL("..", import.meta.url));
  const own = readPackage(cliDir);
  const found = new Map<string, string>();
  for (const name of Object.keys(own?.dependencies ?? {})
    .filter((d) => d.startsWith("@vlmopt/"))
    .sort()) {
    const dir = packageDir(name, cliDir);
    const version = dir ? readPackage(dir)?.version : undefined;
    if (dir && version) {
      out[name] = version;
      found.set(name, dir);
    }
  }
  const clip = found.get("@vlmopt/clip-embedding");
  const ort = clip ? packageDir("onnxruntime-node", clip) : null;
  const ortVersion = ort ? readPackage(ort)?.version : undefined;
  if (ortVersion) out["onnxruntime-node"] = ortVersion;
  return out;
}
