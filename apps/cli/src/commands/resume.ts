import { existsSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, JsonlRunStore, MANIFEST_FILE } from "@vlmopt/core";
import type { Command } from "../command-context.js";
import type { Settings, SettingValue } from "../config.js";
import { executeRun } from "../execute-run.js";
import { OPTIONS } from "../options.js";
import { checkOutputDir } from "../output-path.js";
import { absolutePath, prepareRun } from "../run-setup.js";
import { fetchSharedRun, storeUrlOf } from "../shared-store.js";

/** Options that may differ on resume (where things are, not what the run is). */
const OVERRIDABLE = [
  OPTIONS.dataRoot,
  OPTIONS.llmBaseUrl,
  OPTIONS.modelBaseUrl,
  OPTIONS.llmTimeout,
  OPTIONS.llmRetries,
  OPTIONS.cacheDir,
  OPTIONS.verifyImages,
  OPTIONS.noLlmCache,
  OPTIONS.threads,
  OPTIONS.dtype,
  OPTIONS.device,
  OPTIONS.offline,
];

export const resumeCommand: Command = {
  spec: {
    name: "resume",
    summary:
      "Continues a stopped, interrupted or killed run from its event log: recorded LLM replies and scores are replayed, so no finished LLM call or evaluation is repeated, and the result equals an uninterrupted run's. The run's settings come from its manifest.json.",
    positionals: ["<run-dir>"],
    options: [...OVERRIDABLE, OPTIONS.store],
    examples: ["vlmopt resume runs/eurosat-hill-climb-20250101-120000"],
  },
  async run(parsed, { io, registry }) {
    const runDir = absolutePath(io.cwd, parsed.positionals[0] as string);
    const storeUrl = storeUrlOf(parsed.flags.store, io);
    // A run kept in the shared store resumes on any machine: the directory is filled from the store.
    if (storeUrl) await fetchSharedRun(storeUrl, runDir);
    if (!existsSync(join(runDir, MANIFEST_FILE))) {
      throw new ConfigError(`${runDir} is not a run directory (no ${MANIFEST_FILE})`, {
        hint: "pass a directory made by `vlmopt optimize`",
      });
    }
    checkOutputDir(io.cwd, runDir, "<run-dir>");
    const manifest = await new JsonlRunStore(runDir).readManifest();
    const saved = (manifest?.options ?? {}) as Record<string, unknown>;
    if (saved.command !== "optimize") {
      throw new ConfigError(`${join(runDir, MANIFEST_FILE)} has no options recorded by \`vlmopt optimize\``, {
        hint: "only runs started by `vlmopt optimize` can be resumed with the CLI",
      });
    }
    const settings: Settings = {};
    for (const [k, v] of Object.entries(saved)) if (k !== "command") settings[k] = v as SettingValue;
    // Only flags given on this command line override; env and config do not change a recorded run.
    for (const spec of OVERRIDABLE) {
      const given = parsed.flags[spec.key];
      if (given !== undefined) settings[spec.key] = given;
    }
    const prepared = await prepareRun(settings, { io, registry, command: "resume", quiet: parsed.json });
    return executeRun(prepared, io, { runDir, json: parsed.json, verbose: parsed.verbose, storeUrl });
  },
};
