/**
 * `@vlmopt/cli-kit/testing`: an in-memory KitIo, so a program built with createProgram() can be
 * run in a test and its output and exit code read back without a child process.
 */
import type { KitIo } from "./program.js";

export interface MemoryIo {
  io: KitIo;
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
}

/** A KitIo that keeps what is written (no terminal, empty environment unless given). */
export function memoryIo(extra: Partial<KitIo> = {}): MemoryIo {
  const out: string[] = [];
  const err: string[] = [];
  const io: KitIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, ...extra };
  return { io, out: () => out.join(""), err: () => err.join("") };
}
