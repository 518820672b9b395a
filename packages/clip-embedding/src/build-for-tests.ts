import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** This package's folder. */
export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Tests that run this package's build as a program: builds it (turbo, this package only) when
 * `built` (relative to the package) is absent or older than any of `sources`. Test-only.
 */
export function buildPackageIfStale(built: string, sources: readonly string[] = []): string {
  const out = join(PACKAGE_DIR, built);
  const stale =
    !existsSync(out) || sources.some((s) => statSync(join(PACKAGE_DIR, s)).mtimeMs > statSync(out).mtimeMs);
  if (stale) {
    execFileSync(
      "npx",
      ["turbo", "run", "build", "--filter=@vlmopt/clip-embedding", "--output-logs=errors-only"],
      {
        cwd: join(PACKAGE_DIR, "../.."),
        env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
        stdio: "inherit",
      },
    );
  }
  return out;
}
