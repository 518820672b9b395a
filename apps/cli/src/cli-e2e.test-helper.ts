/**
 * What the CLI's end-to-end tests share (not exported from the package): the built CLI run as a
 * subprocess, the build on first use, the demo + random:tiny arguments, and the LLM stand-ins
 * each vendor's test starts.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ImageVendor } from "@vlmopt/core";
import { type FakeLlmServer, startFakeLlmServer, startGeminiStandIn } from "@vlmopt/llm-providers/testing";

const here = dirname(fileURLToPath(import.meta.url));
export const CLI_DIR = resolve(here, "..");
export const REPO_ROOT = resolve(CLI_DIR, "../..");
export const BIN = join(CLI_DIR, "dist/bin.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `node apps/cli/dist/bin.js <args>` in `cwd`, with only PATH, HOME (= cwd) and `env` set, and
 * `nodeArgs` before the script (e.g. `--import <hook>`).
 */
export function runCli(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [...nodeArgs, BIN, ...args],
      { cwd, env: { PATH: process.env.PATH ?? "", HOME: cwd, ...env }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** Builds the CLI (and what it depends on) with turbo when its dist/bin.js is missing. */
export function ensureCliBuilt(filter = "@vlmopt/cli"): void {
  if (existsSync(BIN)) return;
  execFileSync("npx", ["turbo", "run", "build", `--filter=${filter}`, "--output-logs=errors-only"], {
    cwd: REPO_ROOT,
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
    stdio: "inherit",
  });
}

/** The embedded demo, 1 shot, seed 1, on the generated tiny CLIP model (no data root, no network). */
export const DEMO_ARGS = ["--dataset", "demo", "--shots", "1", "--seed", "1", "--model", "random:tiny"];

/** A vendor's LLM stand-in on 127.0.0.1 and how a run points at it. */
export interface StandInCase {
  spec: string;
  start: () => Promise<FakeLlmServer>;
  /** The --llm-base-url for the stand-in. */
  baseURL: (s: FakeLlmServer) => string;
  env: Record<string, string>;
}

/** The Anthropic, OpenAI and Gemini stand-ins (the providers that take images), each requiring `key`. */
export function imageVendorCases(key: string): (StandInCase & { vendor: ImageVendor })[] {
  return [
    {
      spec: "anthropic:claude-haiku-4-5",
      vendor: "anthropic",
      start: () => startFakeLlmServer({ requireApiKey: key }),
      baseURL: (s) => s.url,
      env: { ANTHROPIC_API_KEY: key },
    },
    {
      spec: "openai:gpt-4o-mini",
      vendor: "openai",
      start: () => startFakeLlmServer({ requireApiKey: key }),
      baseURL: (s) => s.openaiBaseURL,
      env: { OPENAI_API_KEY: key },
    },
    geminiCase(key, "google:gemini-2.5-flash"),
  ];
}

/** The Gemini stand-in for `spec`. */
export function geminiCase(key: string, spec: string): StandInCase & { vendor: "gemini" } {
  return {
    spec,
    vendor: "gemini",
    start: () => startGeminiStandIn({ requireApiKey: key }),
    baseURL: (s) => s.url,
    env: { GEMINI_API_KEY: key },
  };
}
