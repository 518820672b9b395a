import { accessSync, closeSync, constants, openSync, readSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError, EVENTS_FILE } from "@vlmopt/core";
import type { ParsedProviderSpec } from "./create-provider.js";

/** The first 4 bytes of every GGUF file. */
const GGUF_MAGIC = "GGUF";

function kindOf(path: string): "file" | "directory" | "other" | null {
  try {
    const s = statSync(path);
    return s.isFile() ? "file" : s.isDirectory() ? "directory" : "other";
  } catch {
    return null;
  }
}

function readable(path: string): string | null {
  try {
    accessSync(path, constants.R_OK);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

/** `replay:<dir>` needs a readable `<dir>/events.jsonl` (ConfigError naming the path otherwise). */
export function checkReplayDir(runDir: string): void {
  const spec = `--llm replay:${runDir}`;
  const hint =
    "give the directory of a finished run (it holds events.jsonl), e.g. --llm replay:runs/<run-id>";
  const dirKind = kindOf(runDir);
  if (dirKind === null) {
    throw new ConfigError(`${spec}: run directory ${resolve(runDir)} does not exist`, { hint });
  }
  if (dirKind !== "directory") {
    throw new ConfigError(`${spec}: ${resolve(runDir)} is not a directory`, { hint });
  }
  const events = join(runDir, EVENTS_FILE);
  const eventsKind = kindOf(events);
  if (eventsKind !== "file") {
    throw new ConfigError(
      `${spec}: ${resolve(events)} ${eventsKind === null ? "does not exist" : "is not a file"} — ${runDir} is not a run directory`,
      { hint },
    );
  }
  const problem = readable(events);
  if (problem !== null) {
    throw new ConfigError(`${spec}: cannot read ${resolve(events)} (${problem})`, {
      hint: "check the file's permissions, or replay another run",
    });
  }
}

/** `llama-cpp:<file>` needs a file that starts with the GGUF magic bytes (only 4 bytes are read). */
export function checkGgufFile(modelPath: string): void {
  const spec = `--llm llama-cpp:${modelPath}`;
  const hint =
    "give the path of a local .gguf model file, e.g. --llm llama-cpp:models/qwen2.5-0.5b-q4_k_m.gguf";
  const kind = kindOf(modelPath);
  if (kind === null)
    throw new ConfigError(`${spec}: model file ${resolve(modelPath)} does not exist`, { hint });
  if (kind !== "file") throw new ConfigError(`${spec}: ${resolve(modelPath)} is not a file`, { hint });
  let head = "";
  try {
    const fd = openSync(modelPath, "r");
    try {
      const bytes = Buffer.alloc(4);
      head = bytes.subarray(0, readSync(fd, bytes, 0, 4, 0)).toString("latin1");
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new ConfigError(
      `${spec}: cannot read ${resolve(modelPath)} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      { hint: "check the file's permissions" },
    );
  }
  if (head !== GGUF_MAGIC) {
    throw new ConfigError(
      `${spec}: ${resolve(modelPath)} is not a GGUF file (it does not start with "GGUF"; a Git LFS pointer or a partial download?)`,
      { hint },
    );
  }
}

/**
 * Checks the local paths a parsed spec names, without loading anything: `replay:<dir>` needs a
 * readable `<dir>/events.jsonl`; `llama-cpp:<file>` needs a file that starts with the GGUF magic
 * bytes (only those 4 bytes are read). Other specs name no path. Throws a ConfigError naming the
 * path and the fix.
 */
export function checkProviderPaths(parsed: ParsedProviderSpec): void {
  if (parsed.kind === "replay") checkReplayDir(parsed.runDir);
  else if (parsed.kind === "llama-cpp") checkGgufFile(parsed.modelPath);
}
