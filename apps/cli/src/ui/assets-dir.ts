import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** dist/ui of this package: beside the bundled dist/*.js, or two levels up from src/ui/. */
export function defaultAssetsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "ui"), join(here, "..", "..", "dist", "ui")];
  return candidates.find((d) => existsSync(join(d, "app.js"))) ?? (candidates[0] as string);
}
