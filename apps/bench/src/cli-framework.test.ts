import { describe, expect, it } from "vitest";
import { memoryIo } from "./io.js";
import { EXIT, run } from "./main.js";
import { toyWiring } from "./test-doubles.js";
import { VERSION } from "./version.js";

const opts = () => ({ wiring: toyWiring() });

describe("vlmopt-bench on the shared CLI framework (@vlmopt/cli-kit)", () => {
  it("has --version anywhere on the line", async () => {
    for (const argv of [["--version"], ["run", "--suite", "smoke", "--version"], ["perf", "score", "-v"]]) {
      const m = memoryIo();
      expect(await run(argv, m.io, opts()), argv.join(" ")).toBe(EXIT.ok);
      expect(m.stdout()).toBe(`${VERSION}\n`);
    }
  });

  it("`run --bogus` is that command's usage error with a suggestion, not the main help", async () => {
    const m = memoryIo();
    expect(await run(["run", "--suit", "smoke"], m.io, opts())).toBe(EXIT.usage);
    expect(m.stderr()).toBe(
      'error: unknown option "--suit" — did you mean --suite?\nusage: run `vlmopt-bench run --help` for the options and an example\n',
    );
    const cmd = memoryIo();
    expect(await run(["wroker"], cmd.io, opts())).toBe(EXIT.usage);
    expect(cmd.stderr().split("\n")[0]).toBe('error: unknown command "wroker" — did you mean worker?');
  });

  it("`help <cmd>` prints that command's help", async () => {
    for (const path of [["run"], ["perf", "loop"], ["status"]]) {
      const viaHelp = memoryIo();
      expect(await run(["help", ...path], viaHelp.io, opts())).toBe(EXIT.ok);
      const viaFlag = memoryIo();
      expect(await run([...path, "--help"], viaFlag.io, opts())).toBe(EXIT.ok);
      expect(viaHelp.stdout()).toBe(viaFlag.stdout());
      expect(viaHelp.stdout()).toMatch(new RegExp(`^Usage: vlmopt-bench ${path.join(" ")} `, "m"));
    }
  });

  it("wraps every help to the terminal width (80 when unknown)", async () => {
    for (const path of [
      [],
      ["run"],
      ["perf"],
      ["perf", "score"],
      ["perf", "fleet"],
      ["report"],
      ["worker"],
      ["status"],
    ]) {
      const m = memoryIo();
      expect(await run([...path, "--help"], m.io, opts())).toBe(EXIT.ok);
      const widest = Math.max(
        ...m
          .stdout()
          .split("\n")
          .map((l) => [...l].length),
      );
      expect(widest, `vlmopt-bench ${path.join(" ")} --help`).toBeLessThanOrEqual(80);
    }
  });

  it("prints a completion script for bash, zsh and fish", async () => {
    for (const shell of ["bash", "zsh", "fish"]) {
      const m = memoryIo();
      expect(await run(["completion", shell], m.io, opts())).toBe(EXIT.ok);
      for (const word of ["run", "perf", "score", "worker", "status", "--suite", "--queue"])
        expect(m.stdout()).toContain(word.replace(/^--/, shell === "fish" ? "-l " : "--"));
    }
  });

  it("exits 130 when interrupted (was 1)", async () => {
    const controller = new AbortController();
    controller.abort();
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { smokeRunArgv, writeToyDataset } = await import("./test-doubles.js");
    const root = mkdtempSync(join(tmpdir(), "vlmopt-bench-abort-"));
    writeToyDataset(root, "eurosat");
    const m = memoryIo({}, mkdtempSync(join(tmpdir(), "vlmopt-bench-abort-out-")));
    const argv = smokeRunArgv(root);
    const code = await run([...argv, "--datasets", "eurosat", "--strategies", "random"], m.io, {
      ...opts(),
      signal: controller.signal,
    });
    expect(code).toBe(EXIT.interrupted);
    expect(EXIT.interrupted).toBe(130);
  });

  it("status --json: a missing store is one JSON error on stdout, nothing on stderr", async () => {
    const m = memoryIo();
    expect(await run(["status", "--json"], m.io, opts())).toBe(EXIT.usage);
    expect(m.stderr()).toBe("");
    expect(JSON.parse(m.stdout()).error).toMatchObject({ kind: "config", command: "vlmopt-bench status" });
  });
});
