import { readFileSync } from "node:fs";

/** The "version" of the package.json at `url` (an app passes the one beside its src/ and dist/). */
export function packageVersion(url: URL): string {
  try {
    const pkg = JSON.parse(readFileSync(url, "utf8")) as { version?: string };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}
