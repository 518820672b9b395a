/**
 * The CLI as a user runs it: `node apps/cli/dist/bin.js ...` as a subprocess, on the embedded `demo`
 * dataset (a EuroSAT subset shipped with dataset-loaders; CoOp's 1-shot split, 300 test images) with
 * the generated tiny CLIP model (random weights), so it runs on a fresh clone without ../shared.
 * Needs a build (the root `pnpm test` builds first; this file builds the CLI's dependency chain if
 * dist is missing).
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type FakeLlmRequest, type FakeReply, startFakeLlmServer } from "@vlmopt/llm-providers/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const cliDir = resolve(here, "..");
const repoRoot = resolve(cliDir, "../..");
const BIN = join(cliDir, "dist/bin.js");

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const work = mkdtempSync(join(tmpdir(), "vlmopt-e2e-"));
const cacheDir = join(work, "cache");
const baseEnv: Record<string, string> = {
  PATH: process.env.PATH ?? "",
  HOME: work,
  // No key, no base URL, no VLMOPT_* from the machine running the tests.
};

function vlmopt(args: string[], env: Record<string, string> = {}, cwd = work): Promise<Result> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { ...baseEnv, ...env }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

// The embedded demo needs no --data-root.
const common = [
  "--dataset",
  "demo",
  "--shots",
  "1",
  "--seed",
  "1",
  "--model",
  "random:tiny",
  "--cache-dir",
  cacheDir,
];
const hillClimb = ["--strategy", "hill-climb", "--iterations", "4", "--param", "poolSize=8"];

/** A deterministic stand-in reply: five templates that depend only on the request's messages. */
function replyFor(request: FakeLlmRequest): FakeReply {
  const h = createHash("sha256")
    .update(JSON.stringify(request.body?.messages ?? []))
    .digest();
  const words = [
    "satellite",
    "aerial",
    "blurry",
    "centered",
    "landscape",
    "top-down",
    "colour",
    "small",
    "remote",
    "overhead",
  ];
  const n = typeof request.body?.n === "number" ? request.body.n : 1;
  const text = Array.from(
    { length: 5 },
    (_, k) => `- a ${words[(h[k] as number) % 10]} ${words[(h[k + 5] as number) % 10]} photo of {}.`,
  ).join("\n");
  return { type: "text", texts: Array.from({ length: n }, () => text) };
}

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

describe("vlmopt as a subprocess on the embedded demo (EuroSAT subset, CoOp 1-shot)", () => {
  beforeAll(() => {
    if (!existsSync(BIN)) {
      execFileSync("npx", ["turbo", "run", "build", "--filter=@vlmopt/cli", "--output-logs=errors-only"], {
        cwd: repoRoot,
        env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
        stdio: "inherit",
      });
    }
  });

  it("optimize --dry-run estimates calls, tokens and cost for a paid LLM without a key, and writes nothing", async () => {
    const cwd = mkdtempSync(join(work, "dry-"));
    const args = ["optimize", ...common, ...hillClimb, "--llm", "anthropic:claude-haiku-4-5", "--dry-run"];
    const r = await vlmopt([...args, "--json"], {}, cwd);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const estimate = JSON.parse(r.stdout);
    expect(estimate.llm).toBe("anthropic:claude-haiku-4-5");
    expect(estimate.llmCalls).toBe(4);
    expect(estimate.inputTokens).toBeGreaterThan(0);
    expect(estimate.price.inputPerMTok).toBeGreaterThan(0);
    const expected =
      (estimate.inputTokens * estimate.price.inputPerMTok +
        estimate.outputTokens * estimate.price.outputPerMTok) /
      1e6;
    expect(estimate.costUsd).toBeCloseTo(expected, 12);
    expect(readdirSync(cwd)).toEqual([]);
    const text = await vlmopt(args, {}, cwd);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      "simulated provider (not an LLM) standing in for anthropic:claude-haiku-4-5",
    );
    expect(text.stdout).toMatch(/4 LLM calls/);
    // a budget that cannot cover the run is shown to stop it, as it would for real
    const capped = await vlmopt([...args, "--json", "--max-calls", "2"], {}, cwd);
    expect(JSON.parse(capped.stdout).stop).toEqual({ kind: "budget", limit: "maxLlmCalls" });
    expect(readdirSync(cwd)).toEqual([]);
    // a USD budget for an LLM whose price is unknown is refused before any work
    const unknown = await vlmopt(
      [
        "optimize",
        ...common,
        "--llm",
        "openai-compatible:m@http://127.0.0.1:9/v1",
        "--budget-usd",
        "1",
        "--dry-run",
      ],
      {},
      cwd,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /^error: --budget-usd 1 was given but the price of openai-compatible:m@.* is unknown/,
    );
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("optimize with --llm simulated: summary, run directory, test split, random-weights warning everywhere", async () => {
    const r = await vlmopt([
      "optimize",
      ...common,
      "--llm",
      "simulated",
      ...hillClimb,
      "--test-limit",
      "300",
      "--out",
      "runs-sim",
    ]);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const [runName] = readdirSync(join(work, "runs-sim"));
    expect(runName).toMatch(/^demo-hill-climb-\d{8}-\d{6}$/);
    const dir = join(work, "runs-sim", runName as string);
    expect(readdirSync(dir).sort()).toEqual([
      "events.jsonl",
      "manifest.json",
      "report.html",
      "report.md",
      "results.json",
    ]);
    const results = readJson(join(dir, "results.json"));
    expect(results.stop).toEqual({ kind: "completed" });
    expect(results.chosen.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(results.chosen.perClassTest).toHaveLength(10);
    const manifest = readJson(join(dir, "manifest.json"));
    expect(manifest.dataset.counts).toEqual({ train: 10, val: 10, test: 300 });
    expect(manifest.options).toMatchObject({
      llm: "simulated",
      model: "random:tiny",
      shots: 1,
      seed: 1,
      testLimit: 300,
    });
    const warning = "random weights — accuracy is meaningless";
    expect(r.stdout).toContain(warning);
    expect(r.stderr).toContain(warning);
    expect(results.warnings.join("\n")).toContain(warning);
    expect(readFileSync(join(dir, "report.md"), "utf8")).toContain(warning);
    expect(readFileSync(join(dir, "report.html"), "utf8")).toContain(warning);
    expect(r.stdout).toMatch(
      /Chosen: ".*\{\}.*"\n\s+train \d+\.\d% · val \d+\.\d% · test \d+\.\d% \(300 images\)/,
    );
    expect(r.stderr).toMatch(/features test: 300\/300 images, \d+ img\/s, ETA 0s/);
  });

  it("eval, datasets check and datasets list find the demo with no --data-root", async () => {
    const cwd = mkdtempSync(join(work, "demo-"));
    const ev = await vlmopt(
      [
        "eval",
        "--dataset",
        "demo",
        "--model",
        "random:tiny",
        "--cache-dir",
        cacheDir,
        "--template",
        "a satellite photo of {}.",
        "--json",
      ],
      {},
      cwd,
    );
    expect(ev.stderr).not.toMatch(/^error/m);
    expect(ev.code).toBe(0);
    expect(JSON.parse(ev.stdout)).toMatchObject({ dataset: "demo", split: "test", images: 300 });
    const check = await vlmopt(["datasets", "check", "demo"], {}, cwd);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^demo at .*dataset-loaders[/\\]demo \(.*layout\): ok \(.*test 300/);
    const list = await vlmopt(["datasets", "list"], {}, cwd);
    expect(list.stdout).toMatch(/^demo\s+.*EuroSAT subset/m);
    expect(readdirSync(cwd)).toEqual([]);
  });

  describe("with --llm openai:gpt-4o-mini against a local fake OpenAI server", () => {
    let server: Awaited<ReturnType<typeof startFakeLlmServer>>;
    beforeAll(async () => {
      server = await startFakeLlmServer({ reply: (req) => replyFor(req) });
    });
    afterAll(async () => {
      await server.close();
    });
    const openai = () => ({ OPENAI_API_KEY: "sk-test-not-a-key", OPENAI_BASE_URL: server.openaiBaseURL });

    it("runs end to end; every LLM call reached the server, and the key is not persisted", async () => {
      const before = server.requests.length;
      const r = await vlmopt(
        [
          "optimize",
          ...common,
          "--llm",
          "openai:gpt-4o-mini",
          ...hillClimb,
          "--no-llm-cache",
          "--no-test",
          "--run-dir",
          "runs-openai/a",
        ],
        openai(),
      );
      expect(r.stderr).not.toMatch(/^error/m);
      expect(r.code).toBe(0);
      const results = readJson(join(work, "runs-openai/a/results.json"));
      expect(results.usage.llmCalls).toBeGreaterThan(0);
      expect(server.requests.length - before).toBe(results.usage.llmCalls);
      expect(server.requests.at(-1)?.apiKey).toBe("sk-test-not-a-key");
      for (const f of readdirSync(join(work, "runs-openai/a"))) {
        expect(readFileSync(join(work, "runs-openai/a", f), "utf8")).not.toContain("sk-test-not-a-key");
      }
    });

    it("kill -9 mid-run, then resume: results equal an uninterrupted run's and no answered request is repeated", async () => {
      const args = [
        "optimize",
        ...common,
        "--llm",
        "openai:gpt-4o-mini",
        ...hillClimb,
        // Every call must reach the server here (the reply cache would answer repeated ones).
        "--no-llm-cache",
        "--test-limit",
        "100",
      ];
      // Uninterrupted reference run.
      const ref = await vlmopt([...args, "--run-dir", "runs-openai/ref"], openai());
      expect(ref.code).toBe(0);
      const reference = readJson(join(work, "runs-openai/ref/results.json"));
      expect(reference.usage.llmCalls).toBeGreaterThanOrEqual(3);

      // Same run, killed with SIGKILL while its third LLM call is in flight.
      const answered: string[] = [];
      let child: ChildProcess | undefined;
      let calls = 0;
      server.setReply((req) => {
        calls++;
        if (calls === 3) {
          setTimeout(() => child?.kill("SIGKILL"), 50);
          return { type: "stall" };
        }
        answered.push(JSON.stringify(req.body));
        return replyFor(req);
      });
      const killed = await new Promise<number | null>((done) => {
        child = spawn(process.execPath, [BIN, ...args, "--run-dir", "runs-openai/k"], {
          cwd: work,
          env: { ...baseEnv, ...openai() },
          stdio: "ignore",
        });
        child.on("exit", (_code, signal) => done(signal === "SIGKILL" ? 137 : _code));
      });
      expect(killed).toBe(137);
      expect(existsSync(join(work, "runs-openai/k/results.json"))).toBe(false);

      const resumedBodies: string[] = [];
      server.setReply((req) => {
        resumedBodies.push(JSON.stringify(req.body));
        return replyFor(req);
      });
      const r = await vlmopt(["resume", "runs-openai/k"], openai());
      expect(r.stderr).not.toMatch(/^error/m);
      expect(r.code).toBe(0);
      const resumed = readJson(join(work, "runs-openai/k/results.json"));
      expect(resumed.history).toEqual(reference.history);
      expect(resumed.chosen).toEqual(reference.chosen);
      expect(resumed.stop).toEqual(reference.stop);
      expect(resumed.usage.llmCalls).toBe(reference.usage.llmCalls);
      expect(resumed.replayedCalls).toBe(2);
      // The two answered calls were replayed from the log, never sent again; only the call that was
      // in flight at the kill (never answered) and the later ones reached the server.
      expect(answered).toHaveLength(2);
      for (const body of answered) expect(resumedBodies).not.toContain(body);
      expect(resumedBodies).toHaveLength(reference.usage.llmCalls - 2);
      expect(new Set([...answered, ...resumedBodies]).size).toBe(answered.length + resumedBodies.length);
    });
  });

  describe("bad input: one clear line, non-zero exit, nothing written", () => {
    const cases: [string, string[], Record<string, string>, RegExp][] = [
      [
        "unknown dataset",
        [
          "optimize",
          "--dataset",
          "eurosatt",
          "--data-root",
          ".",
          "--model",
          "random:tiny",
          "--llm",
          "simulated",
        ],
        {},
        /^error: --dataset "eurosatt" is not one of: .*eurosat/,
      ],
      [
        "missing data root",
        [
          "optimize",
          "--dataset",
          "eurosat",
          "--data-root",
          "no/such/dir",
          "--model",
          "random:tiny",
          "--llm",
          "simulated",
        ],
        {},
        /^error: data root .*no\/such\/dir does not exist/,
      ],
      [
        "template without {}",
        ["eval", "--dataset", "demo", "--model", "random:tiny", "--template", "a satellite photo"],
        {},
        /^error: --template "a satellite photo" has no "\{\}" placeholder/,
      ],
      [
        "missing key",
        ["optimize", ...common, "--llm", "anthropic:claude-haiku-4-5"],
        {},
        /^error: ANTHROPIC_API_KEY is not set/,
      ],
      [
        "unknown flag",
        ["optimize", "--dataset", "eurosat", "--shot", "1"],
        {},
        /^error: unknown option "--shot" — did you mean --shots\?/,
      ],
    ];
    for (const [name, args, env, pattern] of cases) {
      it(name, async () => {
        const cwd = mkdtempSync(join(work, "bad-"));
        const r = await vlmopt(args[0] === "optimize" ? [...args, "--out", "runs"] : args, env, cwd);
        expect(r.code).toBe(name === "unknown flag" || name === "unknown dataset" ? 2 : 1);
        expect(r.stderr).toMatch(pattern);
        expect(r.stderr).not.toMatch(/\n\s+at /);
        expect(readdirSync(cwd)).toEqual([]);
      });
    }

    it("invalid config field", async () => {
      const cwd = mkdtempSync(join(work, "bad-"));
      writeFileSync(join(cwd, "vlmopt.config.json"), JSON.stringify({ dataRoot: ".", iterations: -1 }));
      const r = await vlmopt(["optimize", ...common, "--llm", "simulated"], {}, cwd);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: config file .*vlmopt.config.json: field "iterations" is invalid/);
      expect(readdirSync(cwd)).toEqual(["vlmopt.config.json"]);
    });
  });
});
