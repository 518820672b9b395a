import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { cliName, inCliForm, inReadmeForm } from "@vlmopt/cli-kit";
import { describe, expect, it } from "vitest";
import { memoryIo } from "./io.js";
import { run } from "./main.js";
import { stopReasonText } from "./run-view/build-run-view.js";

const PNPM_ENV = { npm_config_user_agent: "pnpm/10.34.9 npm/? node/v20.20.2 linux x64" };

describe("the command name messages print", () => {
  it("is `pnpm vlmopt` when run through pnpm, else `vlmopt`", () => {
    expect(cliName("vlmopt", PNPM_ENV)).toBe("pnpm vlmopt");
    expect(cliName("vlmopt-bench", PNPM_ENV)).toBe("pnpm vlmopt-bench");
    expect(cliName("vlmopt", {})).toBe("vlmopt");
    expect(cliName("vlmopt", { npm_config_user_agent: "npm/10.8.2 node/v20.20.2" })).toBe("vlmopt");
  });

  it("rewrites command lines only, not other uses of the word", () => {
    const text =
      "resume with: vlmopt resume runs/a\nrun `vlmopt datasets check ./x --shots 1` or `vlmopt --help`; " +
      "vlmopt.config.json, @vlmopt/core, vlmopt-bench run, vlmopt does not start a call";
    expect(inCliForm(text, PNPM_ENV)).toBe(
      "resume with: pnpm vlmopt resume runs/a\nrun `pnpm vlmopt datasets check ./x --shots 1` or `pnpm vlmopt --help`; " +
        "vlmopt.config.json, @vlmopt/core, vlmopt-bench run, vlmopt does not start a call",
    );
    expect(inCliForm(text, {})).toBe(text);
    expect(inCliForm("see vlmopt-bench report --help", PNPM_ENV, "vlmopt-bench")).toBe(
      "see pnpm vlmopt-bench report --help",
    );
  });

  it("text read later (reports, results) names the README's form, whatever the environment; no form is doubled", () => {
    expect(inReadmeForm("resume with `vlmopt resume <run-dir>`")).toBe(
      "resume with `pnpm vlmopt resume <run-dir>`",
    );
    expect(inReadmeForm("see `vlmopt-bench report --help`", "vlmopt-bench")).toBe(
      "see `pnpm vlmopt-bench report --help`",
    );
    const once = inReadmeForm("run `vlmopt datasets check x`");
    expect(inCliForm(once, PNPM_ENV)).toBe(once);
    expect(inReadmeForm(once)).toBe(once);
    // The report's status lines (report.md, report.html, the run page).
    expect(stopReasonText({ kind: "aborted" })).toBe(
      "interrupted (resume with `pnpm vlmopt resume <run-dir>`)",
    );
    expect(stopReasonText(undefined)).toContain("resume it with `pnpm vlmopt resume <run-dir>`");
  });

  it("usage errors and help name the form that was run", async () => {
    const io = memoryIo({ env: PNPM_ENV });
    expect(await run(["optimize", "--shots", "-1"], io)).toBe(2);
    expect(io.errText).toBe(
      'error: --shots "-1" is not a whole number ≥ 1\nusage: run `pnpm vlmopt optimize --help` for the options and an example\n',
    );
    const help = memoryIo({ env: PNPM_ENV });
    expect(await run(["resume", "--help"], help)).toBe(0);
    expect(help.outText).toMatch(/^Usage: pnpm vlmopt resume <run-dir> \[options\]$/m);
    expect(help.outText).toMatch(/^ {2}pnpm vlmopt resume runs\//m);
  });
});

// The README's form: `pnpm vlmopt …` in the workspace, which pnpm runs as `pnpm exec vlmopt` (the
// root's devDependency on @vlmopt/cli puts its bin in node_modules/.bin; no root script, so no
// "> vlmopt-monorepo@ vlmopt …" banner on stdout).
const repoRoot = resolve(import.meta.dirname, "../../..");
const hasPnpm = (() => {
  try {
    execFileSync("pnpm", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!hasPnpm) console.warn("skipping the `pnpm vlmopt` tests: pnpm is not on PATH");

function pnpm(args: string[], cwd = repoRoot): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile("pnpm", args, { cwd, env: process.env, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe.skipIf(!hasPnpm)("`pnpm vlmopt` as the README runs it", () => {
  it("prints valid JSON on stdout with --json, from the root and from a sub-folder", async () => {
    if (!existsSync(join(repoRoot, "apps/cli/dist/bin.js"))) {
      execFileSync(
        "pnpm",
        ["exec", "turbo", "run", "build", "--filter=@vlmopt/cli", "--output-logs=errors-only"],
        {
          cwd: repoRoot,
          env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
          stdio: "inherit",
        },
      );
    }
    const root = await pnpm(["vlmopt", "strategies", "list", "--json"]);
    expect(root.code).toBe(0);
    const listed = JSON.parse(root.stdout) as { name: string }[];
    expect(listed.map((s) => s.name)).toContain("hill-climb");
    const sub = await pnpm(["vlmopt", "datasets", "list", "--json"], join(repoRoot, "packages"));
    expect(JSON.parse(sub.stdout).length).toBeGreaterThan(0);
    // A usage error: exit 2 through pnpm, and the command it names is the one that works.
    const bad = await pnpm(["vlmopt", "optimize", "--shots", "-1"]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toContain("usage: run `pnpm vlmopt optimize --help`");
  });
});
