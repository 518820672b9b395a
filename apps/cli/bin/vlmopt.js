#!/usr/bin/env node
// Kept in git so package managers can link the command before the first build. In the repository,
// `pnpm install` builds the workspace (the root `prepare` script); if dist/ is still missing (e.g.
// after `pnpm install --ignore-scripts`), the CLI and its workspace dependencies are built here once.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dist = new URL("../dist/bin.js", import.meta.url);
if (!existsSync(dist)) {
  const root = new URL("../../../", import.meta.url);
  if (!existsSync(new URL("pnpm-workspace.yaml", root))) {
    process.stderr.write(`error: ${fileURLToPath(dist)} is missing — reinstall @vlmopt/cli\n`);
    process.exit(1);
  }
  process.stderr.write("vlmopt: not built yet; building it once (turbo run build --filter=@vlmopt/cli...)\n");
  // Build output goes to stderr, so `--json` output on stdout stays clean.
  const build = spawnSync(
    "pnpm",
    ["exec", "turbo", "run", "build", "--filter=@vlmopt/cli...", "--output-logs=errors-only"],
    {
      cwd: fileURLToPath(root),
      stdio: ["ignore", 2, 2],
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
      shell: process.platform === "win32",
    },
  );
  if (build.status !== 0 || !existsSync(dist)) {
    process.stderr.write(
      "error: building vlmopt failed — run `pnpm build` in the repository and fix what it reports\n",
    );
    process.exit(1);
  }
}
await import(dist.href);
