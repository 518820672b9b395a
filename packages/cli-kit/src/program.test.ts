import { execFileSync } from "node:child_process";
import { Command } from "@commander-js/extra-typings";
import { ConfigError } from "@vlmopt/core";
import { describe, expect, it } from "vitest";
import { colorEnabled } from "./color.js";
import { EXIT } from "./exit-codes.js";
import { wrapCommandLine } from "./help-text.js";
import {
  type AnyCommand,
  addCompletionCommand,
  addHelpNotes,
  createProgram,
  type KitIo,
  runProgram,
} from "./program.js";
import { memoryIo } from "./testing.js";
import { UsageError } from "./usage-error.js";

const memory = memoryIo;

const LONG =
  "a description long enough to need wrapping at any usual terminal width, because it goes on and on about what the option does, where its default comes from and which other flags it interacts with";

/** A toy program: `toy go <thing> [--count n] [--json]`, `toy group list`, `toy fail`. */
function toy(io: KitIo, fail?: unknown) {
  const ctx = createProgram({ name: "toy", version: "9.8.7", title: "toy — a test program", io });
  const go = ctx.program
    .command("go")
    .summary("go somewhere")
    .argument("<thing>")
    .option("--count <n>", LONG)
    .option("--json", "JSON output")
    .action((thing, opts) => {
      if (opts.count === "bad") throw new UsageError(`--count "bad" is not a number`);
      io.stdout(`went to ${thing}${opts.count ? ` ${opts.count} times` : ""}\n`);
      ctx.exitCode = 3;
    });
  addHelpNotes(ctx, go as AnyCommand, {
    examples: [`toy go home --count 2 ${"--and-a-very-long-flag value ".repeat(6)}`],
  });
  const group = ctx.program.command("group").summary("a group");
  group
    .command("list")
    .summary("list things")
    .action(() => io.stdout("listed\n"));
  group
    .command("show")
    .summary("show a thing")
    .action(() => io.stdout("shown\n"));
  ctx.program
    .command("fail")
    .option("--json")
    .action(() => {
      throw fail ?? new Error("boom");
    });
  addCompletionCommand(ctx);
  return ctx;
}

const runToy = async (argv: string[], extra: Partial<KitIo> = {}, fail?: unknown) => {
  const m = memory(extra);
  const code = await runProgram(toy(m.io, fail), argv);
  return { code, out: m.out(), err: m.err() };
};

describe("runProgram: one behaviour for both apps", () => {
  it("runs a command and returns the exit code its action set", async () => {
    const r = await runToy(["go", "home", "--count", "2"]);
    expect(r).toMatchObject({ code: 3, out: "went to home 2 times\n", err: "" });
  });

  it("--version anywhere on the line, also after a command's own options", async () => {
    for (const argv of [
      ["--version"],
      ["-v"],
      ["go", "--version"],
      ["go", "home", "--count", "2", "--version"],
      ["group", "list", "-v"],
    ]) {
      const r = await runToy(argv);
      expect(r.code, argv.join(" ")).toBe(EXIT.ok);
      expect(r.out).toBe("9.8.7\n");
    }
  });

  it("`help <cmd>` is `<cmd> --help`, also for a sub-command", async () => {
    const help = await runToy(["help", "go"]);
    const flag = await runToy(["go", "--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toBe(flag.out);
    expect(help.out).toMatch(/^Usage: toy go \[options\] <thing>$/m);
    const sub = await runToy(["help", "group", "list"]);
    expect(sub.out).toMatch(/^Usage: toy group list/m);
    const bad = await runToy(["help", "og"]);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toMatch(/^error: unknown command "og" — did you mean go\?\n/);
  });

  it("suggests the command or option that was meant", async () => {
    const cmd = await runToy(["og"]);
    expect(cmd.code).toBe(EXIT.usage);
    expect(cmd.err).toBe(
      'error: unknown command "og" — did you mean go?\nusage: run `toy --help` for the commands and an example\n',
    );
    const opt = await runToy(["go", "home", "--cuont", "2"]);
    expect(opt.code).toBe(EXIT.usage);
    expect(opt.err).toBe(
      'error: unknown option "--cuont" — did you mean --count?\nusage: run `toy go --help` for the options and an example\n',
    );
    const sub = await runToy(["group", "lsit"]);
    expect(sub.code).toBe(EXIT.usage);
    expect(sub.err).toMatch(
      /^error: unknown or missing sub-command for "group": use "group list" or "group show" \(did you mean "group list"\?\)\n/,
    );
  });

  it("a missing command or sub-command is a usage error (exit 2) with the help on stderr", async () => {
    const bare = await runToy([]);
    expect(bare.code).toBe(EXIT.usage);
    expect(bare.out).toBe("");
    expect(bare.err).toMatch(/^toy — a test program\n\nUsage: toy/);
    const group = await runToy(["group"]);
    expect(group.code).toBe(EXIT.usage);
    expect(group.err).toMatch(/^error: unknown or missing sub-command for "group"/);
    expect(group.err).toMatch(/^ {2}group list +list things$/m);
    expect(group.err.match(/Usage:/g)).toHaveLength(1);
  });

  it("a UsageError from an action or option parser exits 2 with the usage line", async () => {
    const r = await runToy(["go", "home", "--count", "bad"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toBe(
      'error: --count "bad" is not a number\nusage: run `toy go --help` for the options and an example\n',
    );
  });

  it("the exit codes both apps share are 0, 1, 2, 3, 4 and 130", () => {
    expect(EXIT).toEqual({ ok: 0, error: 1, usage: 2, budget: 3, noUsableTemplate: 4, interrupted: 130 });
  });

  it("other errors: exit 1, or the app's code; an abort is 130", async () => {
    expect((await runToy(["fail"])).code).toBe(EXIT.error);
    const abort = Object.assign(new Error("stopped"), {});
    const { AbortError } = await import("@vlmopt/core");
    const aborted = await runToy(["fail"], {}, new AbortError("stopped", { cause: abort }));
    expect(aborted.code).toBe(EXIT.interrupted);
    const m = memory();
    const code = await runProgram(toy(m.io, new ConfigError("bad file", { hint: "fix it" })), ["fail"], {
      exitCodeOf: (e) => (ConfigError.isInstance(e) ? EXIT.usage : undefined),
    });
    expect(code).toBe(EXIT.usage);
    expect(m.err()).toBe("error: bad file — fix it\n");
  });

  it("--json: errors are one JSON document on stdout, nothing on stderr", async () => {
    const usage = await runToy(["go", "home", "--json", "--cuont", "1"]);
    expect(usage.code).toBe(EXIT.usage);
    expect(usage.err).toBe("");
    expect(JSON.parse(usage.out)).toEqual({
      error: {
        kind: "usage",
        message: 'unknown option "--cuont" — did you mean --count?',
        hint: "run `toy go --help` for the options and an example",
        command: "toy go",
        exitCode: 2,
      },
    });
    const failed = await runToy(["fail", "--json"], {}, new ConfigError("bad file", { hint: "fix it" }));
    expect(failed.err).toBe("");
    expect(JSON.parse(failed.out)).toEqual({
      error: { kind: "config", message: "bad file", hint: "fix it", command: "toy fail", exitCode: 1 },
    });
  });

  it("wraps help to the terminal width (80 when unknown), examples as runnable continued lines", async () => {
    for (const columns of [undefined, 60, 120]) {
      const r = await runToy(["go", "--help"], columns ? { columns } : {});
      const width = columns ?? 80;
      const lines = r.out.split("\n");
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(width);
      expect(lines.some((l) => l.length > width - 25)).toBe(true);
      expect(r.out).toMatch(/ \\\n {6}--and-a-very-long-flag/);
    }
    expect(wrapCommandLine("toy a b c", 80)).toBe("  toy a b c");
  });

  it("colours help titles only on a terminal without NO_COLOR (FORCE_COLOR forces them)", async () => {
    /** An ANSI escape sequence. */
    const esc = new RegExp(`${String.fromCharCode(27)}\\[`);
    expect((await runToy(["go", "--help"], { isTTY: true })).out).toMatch(esc);
    expect((await runToy(["go", "--help"], { isTTY: true, env: { NO_COLOR: "1" } })).out).not.toMatch(esc);
    expect((await runToy(["go", "--help"], { isTTY: false })).out).not.toMatch(esc);
    expect((await runToy(["go", "--help"], { isTTY: false, env: { FORCE_COLOR: "1" } })).out).toMatch(esc);
    expect((await runToy(["og"], { isTTY: true })).err).toMatch(
      new RegExp(`^${String.fromCharCode(27)}\\[31merror:`),
    );
    expect(colorEnabled({ NO_COLOR: "" }, true)).toBe(true);
    expect(colorEnabled({ TERM: "dumb" }, true)).toBe(false);
  });
});

describe("completion bash|zsh|fish", () => {
  it("bash: the script completes commands, sub-commands and flags (run in bash)", async () => {
    const script = (await runToy(["completion", "bash"])).out;
    const complete = (words: string[]) =>
      execFileSync(
        "bash",
        [
          "-c",
          `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _toy_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { encoding: "utf8" },
      )
        .trim()
        .split("\n");
    expect(complete(["toy", "g"]).sort()).toEqual(["go", "group"]);
    expect(complete(["toy", "group", ""]).sort()).toEqual(["--help", "list", "show"]);
    expect(complete(["toy", "go", "home", "--c"])).toEqual(["--count"]);
  });

  it("zsh and fish scripts name every command and flag; a bad shell is a usage error", async () => {
    const zsh = (await runToy(["completion", "zsh"])).out;
    expect(zsh).toMatch(/^#compdef toy\n/);
    expect(zsh).toContain("bashcompinit");
    expect(zsh).toContain('"group list"');
    const fish = (await runToy(["completion", "fish"])).out;
    expect(fish).toContain(
      "complete -c toy -f -n '__fish_use_subcommand; and not __fish_seen_subcommand_from go group fail completion help' -a go -d 'go somewhere'",
    );
    expect(fish).toMatch(/-n '__fish_seen_subcommand_from go' -l count -d 'a description/);
    expect(fish).toMatch(
      /__fish_seen_subcommand_from group; and not __fish_seen_subcommand_from list show' -a list/,
    );
    const bad = await runToy(["completion", "tcsh"]);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toMatch(/^error: .*"tcsh".*bash, zsh, fish/);
  });
});

it("a program keeps commander's typed options (extra-typings)", () => {
  const cmd = new Command().option("--count <n>").option("--json");
  const opts: { count?: string; json?: true } = cmd.opts();
  expect(opts).toEqual({});
});
