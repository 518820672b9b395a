/** Where the bench writes: stdout for results, stderr for progress; env for provider keys. */
export interface BenchIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** True when stderr is a terminal (colours unless NO_COLOR). */
  isTTY?: boolean;
  /** The terminal's width, when stdout is one: help is wrapped to it (else 80 columns). */
  columns?: number;
}

export function processIo(): BenchIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    isTTY: process.stderr.isTTY === true,
    ...(process.stdout.isTTY && process.stdout.columns ? { columns: process.stdout.columns } : {}),
  };
}

/** An in-memory BenchIo for tests. */
export function memoryIo(env: Record<string, string | undefined> = {}, cwd = process.cwd()) {
  const out: string[] = [];
  const err: string[] = [];
  const io: BenchIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd };
  return { io, stdout: () => out.join(""), stderr: () => err.join("") };
}
