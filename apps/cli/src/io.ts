/** Where a command writes and what it reads from its environment; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** True when stderr is a terminal: progress is one updating line instead of line logs. */
  isTTY: boolean;
  /** The terminal's width, when stdout is one: help is wrapped to it (else 80 columns). */
  columns?: number;
  /** Aborted on Ctrl-C; commands stop cleanly and write what is done. */
  signal?: AbortSignal;
}

/** The real process's io. */
export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    isTTY: process.stderr.isTTY === true,
    ...(process.stdout.isTTY && process.stdout.columns ? { columns: process.stdout.columns } : {}),
    ...(signal ? { signal } : {}),
  };
}

/** An io that records output, for tests. */
export function memoryIo(options: Partial<Omit<CliIo, "stdout" | "stderr">> = {}): CliIo & {
  out: string[];
  err: string[];
  readonly outText: string;
  readonly errText: string;
} {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    isTTY: options.isTTY ?? false,
    ...(options.columns !== undefined ? { columns: options.columns } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    out,
    err,
    get outText() {
      return out.join("");
    },
    get errText() {
      return err.join("");
    },
  };
}
