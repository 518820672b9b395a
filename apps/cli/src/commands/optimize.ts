import { existsSync } from "node:fs";
import { join } from "node:path";
import { defineRun } from "../command-context.js";
import { optimizeSpec } from "../command-specs.js";
import { dryRun } from "../dry-run.js";
import { executeRun } from "../execute-run.js";
import { checkOutputDir } from "../output-path.js";
import { absolutePath, prepareRun } from "../run-setup.js";
import { storeUrlOf } from "../shared-store.js";

/** 2024-11-21T10:15:00.123Z → 20241121-101500 */
function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

/** runs/<dataset>-<strategy>-<timestamp>, with -2, -3 ... if taken. */
export function newRunDir(out: string, dataset: string, strategy: string, date = new Date()): string {
  const base = join(out, `${dataset}-${strategy}-${timestamp(date)}`);
  let dir = base;
  for (let i = 2; existsSync(dir); i++) dir = `${base}-${i}`;
  return dir;
}

export const optimizeCommand = defineRun(optimizeSpec, {
  async run(parsed, { io, registry }) {
    if (parsed.flags.dryRun === true) return dryRun(parsed, io, registry);
    const s = parsed.settings;
    const explicit = s.runDir;
    // Before any model loads: a file, a read-only or a pseudo-filesystem path fails now.
    if (explicit) checkOutputDir(io.cwd, explicit, "--run-dir");
    else checkOutputDir(io.cwd, s.out ?? "runs", "--out");
    const prepared = await prepareRun(s, { io, registry, command: "optimize", quiet: parsed.json });
    const runDir = explicit
      ? absolutePath(io.cwd, explicit)
      : newRunDir(absolutePath(io.cwd, s.out ?? "runs"), prepared.dataset.name, prepared.strategy.name);
    const storeUrl = storeUrlOf(s.store, io);
    return executeRun(prepared, io, { runDir, json: parsed.json, verbose: parsed.verbose, storeUrl });
  },
});
