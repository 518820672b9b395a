import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import type { ProblemList } from "./problems.js";

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads a text file, gunzipping it when it is gzip data (by magic bytes, or a `.gz` name).
 * Problems (missing/unreadable file, corrupt gzip) go to `problems`; returns undefined then.
 */
export async function readTextFile(path: string, problems: ProblemList): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      problems.error(
        "file-missing",
        `File ${path} does not exist`,
        "Create it or point the root at the folder that has it.",
        {
          file: path,
        },
      );
    } else {
      problems.error(
        "file-unreadable",
        `Cannot read ${path}: ${(error as Error).message}`,
        "Check the file's permissions.",
        {
          file: path,
        },
      );
    }
    return undefined;
  }
  if (isGzip(bytes) || path.endsWith(".gz")) {
    try {
      return gunzipSync(bytes).toString("utf8");
    } catch (error) {
      problems.error(
        "gzip-corrupt",
        `${path} is not valid gzip data (${(error as Error).message})`,
        "The file is truncated or damaged: download it again (or gunzip it by hand to see what is left).",
        { file: path },
      );
      return undefined;
    }
  }
  return bytes.toString("utf8");
}

/** True when parsing `n` characters failed only because the input ended there. */
const isIncomplete = (message: string, n: number): boolean => {
  if (/end of JSON input/i.test(message)) return true;
  const at = /position (\d+)/.exec(message);
  return at !== null && Number(at[1]) >= n;
};

/**
 * Offset of the first JSON syntax error: from V8's "at position N" when it says so, otherwise by a
 * binary search for the shortest prefix that is no longer a valid start of a JSON text.
 */
export function jsonErrorOffset(text: string, message: string): number {
  const match = /position (\d+)/.exec(message);
  if (match) return Number(match[1]);
  const viable = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n));
      return true;
    } catch (error) {
      return isIncomplete((error as Error).message, n);
    }
  };
  let lo = 0; // viable
  let hi = text.length; // not viable
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (viable(mid)) lo = mid;
    else hi = mid;
  }
  return hi - 1;
}

/** JSON.parse that reports the line and column of a syntax error to `problems`. */
export function parseJsonText(text: string, path: string, problems: ProblemList): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    const offset = jsonErrorOffset(text, message);
    const { line, column } = lineColumn(text, offset);
    problems.error(
      "json-invalid",
      `${path} is not valid JSON at line ${line}, column ${column} (offset ${offset}): ${message}`,
      "Fix the JSON at that position, or restore the file from its source.",
      { file: path, entry: `line ${line}, column ${column}` },
    );
    return undefined;
  }
}

export async function readJsonFile(path: string, problems: ProblemList): Promise<unknown> {
  const text = await readTextFile(path, problems);
  return text === undefined ? undefined : parseJsonText(text, path, problems);
}
