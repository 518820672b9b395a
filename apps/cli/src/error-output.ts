import { displayMessage, ProviderApiError, VlmoptError } from "@vlmopt/core";
import type { CliIo } from "./io.js";
import { ListedError } from "./listed-error.js";

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "0.0.0.0"]);

/**
 * For an LLM server on this machine that could not be reached, its URL (from the provider's
 * "cannot reach <url>" message), else null.
 */
export function unreachableLocalServer(error: unknown): string | null {
  if (!ProviderApiError.isInstance(error)) return null;
  const match = /cannot reach (https?:\/\/\S+?)(?=:\s|\s|$)/.exec(error.message);
  if (!match) return null;
  const url = match[1] as string;
  try {
    return LOCAL_HOSTS.has(new URL(url).hostname) ? url : null;
  } catch {
    return null;
  }
}

/**
 * Prints an error the CLI's way: `error: <what> — <how to fix>` on one line, the detail lines of
 * a ListedError under it, a hint for a local LLM server that is not running; the stack only with
 * `--verbose`.
 */
export function printError(io: CliIo, error: unknown, verbose: boolean): void {
  io.stderr(`error: ${displayMessage(error)}\n`);
  if (error instanceof ListedError) for (const d of error.details) io.stderr(`${d}\n`);
  const server = unreachableLocalServer(error);
  if (server) io.stderr(`hint: is the server running at ${server}? (or pass --llm-base-url)\n`);
  if (verbose && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  else if (!VlmoptError.isInstance(error)) io.stderr("(run with --verbose for details)\n");
}
