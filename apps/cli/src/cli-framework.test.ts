import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeRegistry, writeToyDataset } from "./fake-registry.js";
import { memoryIo } from "./io.js";
import { COMMANDS, run } from "./main.js";
import { VERSION } from "./version.js";

/** Every command line `vlmopt` has help for: the program, each group, each command. */
const HELP_PATHS = [
  [],
  ["models"],
  ["datasets"],
  ["strategies"],
  ...COMMANDS.map((c) => c.spec.name.split(" ")),
];

describe("vlmopt on the shared CLI framework (@vlmopt/cli-kit)", () => {
  it("`help <cmd>` prints that command's help, not the main help", async () => {
    for (const path of [["optimize"], ["models", "download"], ["datasets"]]) {
      const viaHelp = memoryIo();
      expect(await run(["help", ...path], viaHelp, fakeRegistry())).toBe(0);
      const viaFlag = memoryIo();
      expect(await run([...path, "--help"], viaFlag, fakeRegistry())).toBe(0);
      expect(viaHelp.outText).toBe(viaFlag.outText);
      expect(viaHelp.outText).toMatch(new RegExp(`^Usage: vlmopt ${path.join(" ")} `, "m"));
    }
    const main = memoryIo();
    await run(["--help"], main, fakeRegistry());
    const optimize = memoryIo();
    await run(["help", "optimize"], optimize, fakeRegistry());
    expect(optimize.outText).not.toBe(main.outText);
  });

  it("--version anywhere on the line", async () => {
    for (const argv of [
      ["--version"],
      ["-v"],
      ["optimize", "--version"],
      ["optimize", "--dataset", "toy", "--shots", "2", "--version"],
      ["models", "list", "--version"],
    ]) {
      const io = memoryIo();
      expect(await run(argv, io, fakeRegistry()), argv.join(" ")).toBe(0);
      expect(io.outText).toBe(`${VERSION}\n`);
    }
  });

  it("suggests the command and the option that were meant", async () => {
    const cmd = memoryIo();
    expect(await run(["optimise"], cmd, fakeRegistry())).toBe(2);
    expect(cmd.errText.split("\n")[0]).toBe('error: unknown command "optimise" — did you mean optimize?');
    const opt = memoryIo();
    expect(await run(["optimize", "--iteration", "3"], opt, fakeRegistry())).toBe(2);
    expect(opt.errText.split("\n")[0]).toBe(
      'error: unknown option "--iteration" — did you mean --iterations?',
    );
    const sub = memoryIo();
    expect(await run(["models", "lst"], sub, fakeRegistry())).toBe(2);
    expect(sub.errText).toContain('(did you mean "models list"?)');
  });

  it("help is wrapped to the terminal width: no line of any help is wider (80 when unknown)", async () => {
    for (const columns of [undefined, 100]) {
      const width = columns ?? 80;
      for (const path of HELP_PATHS) {
        const io = memoryIo(columns ? { columns } : {});
        expect(await run([...path, "--help"], io, fakeRegistry())).toBe(0);
        const widest = Math.max(...io.outText.split("\n").map((l) => [...l].length));
        expect(widest, `vlmopt ${path.join(" ")} --help`).toBeLessThanOrEqual(width);
      }
    }
  });

  it("completion bash|zsh|fish covers every command", async () => {
    for (const shell of ["bash", "zsh", "fish"]) {
      const io = memoryIo();
      expect(await run(["completion", shell], io, fakeRegistry())).toBe(0);
      for (const c of COMMANDS) for (const word of c.spec.name.split(" ")) expect(io.outText).toContain(word);
      expect(io.outText).toContain("iterations");
    }
    const bad = memoryIo();
    expect(await run(["completion", "powershell"], bad, fakeRegistry())).toBe(2);
  });

  it("NO_COLOR and TTY: colour only on a terminal without NO_COLOR", async () => {
    /** An ANSI escape sequence. */
    const esc = new RegExp(`${String.fromCharCode(27)}\\[`);
    const tty = memoryIo({ isTTY: true });
    await run(["optimize", "--help"], tty, fakeRegistry());
    expect(tty.outText).toMatch(esc);
    const noColor = memoryIo({ isTTY: true, env: { NO_COLOR: "1" } });
    await run(["optimize", "--help"], noColor, fakeRegistry());
    expect(noColor.outText).not.toMatch(esc);
    const pipe = memoryIo({ isTTY: false });
    await run(["optimize", "--help"], pipe, fakeRegistry());
    expect(pipe.outText).not.toMatch(esc);
  });

  it("--json: a usage error and a failure are one JSON document on stdout, nothing on stderr", async () => {
    const usage = memoryIo();
    expect(await run(["optimize", "--json", "--shots", "0"], usage, fakeRegistry())).toBe(2);
    expect(usage.errText).toBe("");
    expect(JSON.parse(usage.outText).error).toMatchObject({
      kind: "usage",
      message: '--shots "0" is not a whole number ≥ 1',
      command: "vlmopt optimize",
      exitCode: 2,
    });
    const failed = memoryIo({ env: { VLMOPT_SHOTS: "x" } });
    const argv = ["optimize", "--dataset", "toy", "--llm", "scripted", "--json"];
    expect(await run(argv, failed, fakeRegistry())).toBe(1);
    expect(failed.errText).toBe("");
    expect(JSON.parse(failed.outText).error).toMatchObject({ kind: "config", exitCode: 1 });
  });

  it("--json: no progress on stderr, even on a terminal (without it, progress lines)", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "vlmopt-json-progress-"));
    writeToyDataset(join(cwd, "data"));
    const argv = (dir: string) => [
      "optimize",
      ...["--dataset", "toy", "--data-root", "data", "--model", "random:tiny", "--strategy", "toy"],
      ...["--llm", "scripted", "--iterations", "2", "--run-dir", dir],
    ];
    const quiet = memoryIo({ cwd, isTTY: true });
    expect(await run([...argv("a"), "--json"], quiet, fakeRegistry())).toBe(0);
    expect(JSON.parse(quiet.outText).exitCode).toBe(0);
    expect(quiet.errText).not.toMatch(/features train|step \d/);
    const loud = memoryIo({ cwd, isTTY: true });
    expect(await run(argv("b"), loud, fakeRegistry())).toBe(0);
    expect(loud.errText).toMatch(/features train/);
  });

  it("exit codes: 2 for usage, 0 for help, 2 and the help on stderr for no command", async () => {
    const bare = memoryIo();
    expect(await run([], bare, fakeRegistry())).toBe(2);
    expect(bare.outText).toBe("");
    expect(bare.errText).toMatch(/^vlmopt .* — a chat LLM/);
    expect(bare.errText).toContain("Commands:");
    const extra = memoryIo();
    expect(await run(["resume", "a", "b"], extra, fakeRegistry())).toBe(2);
    expect(extra.errText).toMatch(/^error: too many arguments for "resume"/);
  });
});
