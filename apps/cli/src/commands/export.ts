import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, MANIFEST_FILE, promptPackOf, type RunManifest, type RunResult } from "@vlmopt/core";
import { defineRun, printJson } from "../command-context.js";
import { exportSpec } from "../command-specs.js";
import { pct, shownPath } from "../format.js";
import { absolutePath } from "../run-setup.js";

function readJson<T>(path: string, what: string): T {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read the run's ${what} ${path}: ${(error as Error).message}`, {
      hint: "give the directory of a finished run (it holds manifest.json and results.json)",
    });
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new ConfigError(`the run's ${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

export const exportCommand = defineRun(exportSpec, {
  async run(parsed, { io }) {
    const runDir = absolutePath(io.cwd, parsed.positionals[0] as string);
    const manifest = readJson<RunManifest>(join(runDir, MANIFEST_FILE), "manifest");
    const result = readJson<RunResult>(join(runDir, "results.json"), "results");
    if (!result.chosen) {
      throw new ConfigError(`run ${runDir} chose nothing (it stopped: ${result.stop.kind})`, {
        hint: "resume the run (`vlmopt resume <run-dir>`) until it chooses a prompt",
      });
    }
    const pack = promptPackOf(manifest, result.chosen, result.classNames);
    const out = absolutePath(io.cwd, parsed.settings.packOut ?? join(runDir, "prompt-pack.json"));
    // Written beside and renamed, so a failure leaves no half-written pack.
    writeFileSync(`${out}.tmp`, `${JSON.stringify(pack, null, 2)}\n`);
    renameSync(`${out}.tmp`, out);
    if (parsed.json) {
      printJson(io, { pack: out, prompts: pack.prompts.length, scores: pack.scores });
      return 0;
    }
    const test = pack.scores.test === null ? "not scored" : pct(pack.scores.test);
    io.stdout(`wrote ${shownPath(io.cwd, out)} (${pack.prompts.length} prompt(s), test accuracy ${test})\n`);
    if (pack.backbone.warning) io.stdout(`WARNING: model ${pack.backbone.id}: ${pack.backbone.warning}\n`);
    return 0;
  },
});
