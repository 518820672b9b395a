import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeRegistry, writeToyDataset } from "./fake-registry.js";
import { memoryIo } from "./io.js";
import { run } from "./main.js";

function setup() {
  const cwd = mkdtempSync(join(tmpdir(), "vlmopt-cli-"));
  writeToyDataset(join(cwd, "data"));
  return cwd;
}

const base = ["--dataset", "toy", "--data-root", "data", "--model", "random:tiny", "--strategy", "toy"];

describe("vlmopt (in-process, test doubles)", () => {
  it("optimize writes a run directory, a report and the random-weights warning", async () => {
    const cwd = setup();
    const io = memoryIo({ cwd });
    const registry = fakeRegistry();
    const code = await run(
      ["optimize", ...base, "--llm", "scripted", "--iterations", "2", "--run-dir", "r1"],
      io,
      registry,
    );
    expect(io.errText).not.toContain("error");
    expect(code).toBe(0);
    const files = readdirSync(join(cwd, "r1")).sort();
    expect(files).toEqual(["events.jsonl", "manifest.json", "report.html", "report.md", "results.json"]);
    const results = JSON.parse(readFileSync(join(cwd, "r1/results.json"), "utf8"));
    expect(results.warnings.join(" ")).toContain("random weights — accuracy is meaningless");
    expect(results.chosen.testAccuracy).not.toBeNull();
    expect(io.outText).toContain("random weights — accuracy is meaningless");
    expect(readFileSync(join(cwd, "r1/report.md"), "utf8")).toContain(
      "random weights — accuracy is meaningless",
    );
    const manifest = JSON.parse(readFileSync(join(cwd, "r1/manifest.json"), "utf8"));
    expect(manifest.options).toMatchObject({
      command: "optimize",
      dataset: "toy",
      llm: "scripted",
      iterations: 2,
    });
    expect(manifest.options.dataRoot).toBe(join(cwd, "data"));
    expect(Object.keys(manifest.versions)).toEqual(
      expect.arrayContaining([
        "@vlmopt/cli",
        "@vlmopt/core",
        "@vlmopt/clip-embedding",
        "@vlmopt/llm-providers",
        "@vlmopt/search-strategies",
        "@vlmopt/dataset-loaders",
        "node",
        "onnxruntime-node",
      ]),
    );
    expect(manifest.versions.node).toBe(process.version);
    expect(manifest.versions["onnxruntime-node"]).toMatch(/^\d+\.\d+\.\d+/);
    expect(registry.llmCalls()).toBe(2);
  });

  it("resume of a finished run replays the log and calls the LLM zero times", async () => {
    const cwd = setup();
    const first = fakeRegistry();
    await run(
      ["optimize", ...base, "--llm", "scripted", "--iterations", "3", "--run-dir", "r"],
      memoryIo({ cwd }),
      first,
    );
    const before = JSON.parse(readFileSync(join(cwd, "r/results.json"), "utf8"));
    const again = fakeRegistry();
    const io = memoryIo({ cwd });
    expect(await run(["resume", "r"], io, again)).toBe(0);
    expect(again.llmCalls()).toBe(0);
    const after = JSON.parse(readFileSync(join(cwd, "r/results.json"), "utf8"));
    expect(after.history).toEqual(before.history);
    expect(after.chosen).toEqual(before.chosen);
    expect(after.replayedCalls).toBe(3);
  });

  it("a call budget below the iterations exits 3 and still writes results", async () => {
    const cwd = setup();
    const io = memoryIo({ cwd });
    const code = await run(
      ["optimize", ...base, "--llm", "scripted", "--iterations", "5", "--max-calls", "2", "--run-dir", "b"],
      io,
      fakeRegistry(),
    );
    expect(code).toBe(3);
    expect(JSON.parse(readFileSync(join(cwd, "b/results.json"), "utf8")).stop).toEqual({
      kind: "budget",
      limit: "maxLlmCalls",
    });
    expect(io.errText).toContain("budget reached");
    expect(io.errText).not.toContain("worst case");
  });

  it("a token budget too small for one call stops before it and says why", async () => {
    const cwd = setup();
    const io = memoryIo({ cwd });
    const code = await run(
      ["optimize", ...base, "--llm", "scripted", "--iterations", "3", "--max-tokens", "40", "--run-dir", "t"],
      io,
      fakeRegistry(),
    );
    expect(code).toBe(3);
    const results = JSON.parse(readFileSync(join(cwd, "t/results.json"), "utf8"));
    expect(results.stop).toEqual({ kind: "budget", limit: "maxTokens" });
    expect(results.usage.llmCalls).toBe(0);
    expect(io.errText).toMatch(
      /^note: vlmopt does not start an LLM call whose worst case could exceed the budget \(the prompt's UTF-8 bytes .* max output tokens .*\), so --max-tokens must leave room for one full call/m,
    );
  });

  it("an aborted signal exits 130 and says how to resume", async () => {
    const cwd = setup();
    const controller = new AbortController();
    const registry = fakeRegistry();
    const io = memoryIo({ cwd, signal: controller.signal });
    const wrapped = {
      ...registry,
      async resolveLlm(spec: string) {
        const llm = await registry.resolveLlm(spec);
        return {
          ...llm,
          provider: llm.provider,
          modelId: llm.modelId,
          generate: async (...args: Parameters<typeof llm.generate>) => {
            controller.abort();
            return llm.generate(...args);
          },
        };
      },
    };
    const code = await run(
      ["optimize", ...base, "--llm", "scripted", "--iterations", "3", "--run-dir", "a"],
      io,
      wrapped,
    );
    expect(code).toBe(130);
    expect(io.errText).toContain("vlmopt resume a");
    expect(existsSync(join(cwd, "a/results.json"))).toBe(true);
  });

  it("--json prints one JSON document on stdout", async () => {
    const cwd = setup();
    const io = memoryIo({ cwd });
    expect(
      await run(
        ["optimize", ...base, "--llm", "scripted", "--iterations", "1", "--run-dir", "j", "--json"],
        io,
        fakeRegistry(),
      ),
    ).toBe(0);
    const doc = JSON.parse(io.outText);
    expect(doc.exitCode).toBe(0);
    expect(doc.history.length).toBeGreaterThan(0);
  });

  it("eval scores templates and an ensemble", async () => {
    const cwd = setup();
    const io = memoryIo({ cwd });
    const args = [
      "eval",
      "--dataset",
      "toy",
      "--data-root",
      "data",
      "--model",
      "random:tiny",
      "-t",
      "a photo of a {}.",
      "-t",
      "a {} in the wild.",
      "--ensemble",
      "--json",
    ];
    expect(await run(args, io, fakeRegistry())).toBe(0);
    const doc = JSON.parse(io.outText);
    expect(doc.templates).toHaveLength(2);
    expect(doc.templates[0].total).toBe(6);
    expect(doc.ensemble.total).toBe(6);
    expect(doc.warnings[0]).toContain("random weights");
  });

  it("transfer re-scores a run's templates on another model without the LLM", async () => {
    const cwd = setup();
    await run(
      ["optimize", ...base, "--llm", "scripted", "--iterations", "2", "--run-dir", "t"],
      memoryIo({ cwd }),
      fakeRegistry(),
    );
    const registry = fakeRegistry();
    const io = memoryIo({ cwd });
    expect(await run(["transfer", "t", "--model", "test:hash"], io, registry)).toBe(0);
    expect(registry.llmCalls()).toBe(0);
    const doc = JSON.parse(readFileSync(join(cwd, "t/transfer-test-hash.json"), "utf8"));
    const history = JSON.parse(readFileSync(join(cwd, "t/results.json"), "utf8")).history;
    expect(doc.templates).toHaveLength(history.length);
    expect(doc.chosen.testAccuracy).not.toBeNull();
  });

  it("report rewrites report.md and writes --html where asked", async () => {
    const cwd = setup();
    await run(
      ["optimize", ...base, "--llm", "scripted", "--iterations", "1", "--run-dir", "p"],
      memoryIo({ cwd }),
      fakeRegistry(),
    );
    const io = memoryIo({ cwd });
    expect(await run(["report", "p", "--html", "out.html"], io, fakeRegistry())).toBe(0);
    const html = readFileSync(join(cwd, "out.html"), "utf8");
    expect(html).toContain("<svg");
    expect(html).not.toMatch(/(src|href)=|https?:\/\/|<script|<link/i);
    const md = readFileSync(join(cwd, "p/report.md"), "utf8");
    expect(md).toMatch(/^Origin: the (pool|LLM at step \d)/m);
    expect(md).toMatch(/^\| a photo of a \{\}\. \| a photo of a \{\}\. \| \d+\.\d% \|/m);
    expect(md).toMatch(/^\| Wall time \| \d+s \|$/m);
  });
});

describe("bad input: one clear line, right exit code, nothing written", () => {
  const cases: [string, string[], number, RegExp, Record<string, string>?][] = [
    ["unknown flag", ["optimize", "--bogus"], 2, /unknown option "--bogus"/],
    ["unknown command", ["optimise"], 2, /unknown command "optimise"/],
    [
      "bad number",
      ["optimize", ...base, "--llm", "scripted", "--shots", "one"],
      2,
      /--shots "one" is not a whole number/,
    ],
    ["missing --llm", ["optimize", ...base], 2, /missing --llm/],
    [
      "unknown dataset",
      [
        "optimize",
        ...base.map((a) => (a === "toy" ? "nope" : a)).slice(0, 2),
        "--data-root",
        "data",
        "--llm",
        "scripted",
        "--strategy",
        "toy",
      ],
      2,
      /--dataset "nope" is not one of: toy \(see `vlmopt datasets list`\) — or your own images: --dataset \.\/my_folder/,
    ],
    [
      "unknown strategy",
      ["optimize", ...base.map((a) => (a === "toy" ? "nope" : a)), "--dataset", "toy", "--llm", "scripted"],
      2,
      /^error: --strategy "nope" is not one of: toy\n/,
    ],
    [
      "unknown provider",
      ["optimize", ...base, "--llm", "antropic:claude-x"],
      2,
      /^error: --llm "antropic:claude-x" is not one of: scripted, anthropic:<model>, /,
    ],
    [
      "negative number",
      ["optimize", ...base, "--llm", "scripted", "--shots", "-1"],
      2,
      /^error: --shots "-1" is not a whole number ≥ 1\n/,
    ],
    [
      "fractional number",
      ["optimize", ...base, "--llm", "scripted", "--shots", "1.5"],
      2,
      /^error: --shots "1.5" is not a whole number ≥ 1\n/,
    ],
    [
      "zero for an option whose minimum is 1",
      ["optimize", ...base, "--llm", "scripted", "--k", "0"],
      2,
      /^error: --k "0" is not a whole number ≥ 1\n/,
    ],
    [
      "value not among the choices",
      ["eval", "--dataset", "toy", "--data-root", "data", "-t", "a {}", "--split", "bogus"],
      2,
      /^error: --split "bogus" is not one of: train, val, test\n/,
    ],
    [
      "negative decimal",
      ["optimize", ...base, "--llm", "scripted", "--temperature", "-0.5"],
      2,
      /^error: --temperature "-0.5" is not a number ≥ 0\n/,
    ],
    [
      "missing data root",
      ["optimize", ...base.map((a) => (a === "data" ? "missing-dir" : a)), "--llm", "scripted"],
      1,
      /data root .*missing-dir does not exist/,
    ],
    ["missing key", ["optimize", ...base, "--llm", "anthropic:claude-x"], 1, /ANTHROPIC_API_KEY is not set/],
    [
      "template without {}",
      ["eval", "--dataset", "toy", "--data-root", "data", "-t", "a photo"],
      1,
      /--template "a photo" has no "\{\}" placeholder/,
    ],
    [
      "bad env var",
      ["optimize", ...base, "--llm", "scripted"],
      1,
      /VLMOPT_SHOTS="x" is not a whole number/,
      { VLMOPT_SHOTS: "x" },
    ],
  ];
  for (const [name, argv, code, pattern, env] of cases) {
    it(name, async () => {
      const cwd = setup();
      const io = memoryIo({ cwd, env: env ?? {} });
      expect(await run(argv, io, fakeRegistry())).toBe(code);
      expect(io.errText).toMatch(pattern);
      expect(io.errText.split("\n")[0]).toMatch(/^error: /);
      // Every usage error has the same second line.
      if (code === 2) expect(io.errText.split("\n")[1]).toMatch(/^usage: run `vlmopt( \w+)? --help`/);
      expect(io.errText).not.toMatch(/\n\s+at /);
      expect(existsSync(join(cwd, "runs"))).toBe(false);
    });
  }

  it("a config file's number below the option's minimum is named with that minimum", async () => {
    const cwd = setup();
    writeFileSync(join(cwd, "vlmopt.config.json"), JSON.stringify({ shots: 0 }));
    const io = memoryIo({ cwd });
    expect(await run(["optimize", ...base, "--llm", "scripted"], io, fakeRegistry())).toBe(1);
    expect(io.errText).toMatch(/field "shots" is invalid: .*>=\s*1/);
  });

  it("an invalid config field is named", async () => {
    const cwd = setup();
    writeFileSync(join(cwd, "vlmopt.config.json"), JSON.stringify({ shots: "five" }));
    const io = memoryIo({ cwd });
    expect(await run(["optimize", ...base, "--llm", "scripted"], io, fakeRegistry())).toBe(1);
    expect(io.errText).toMatch(/vlmopt.config.json: field "shots" is invalid/);
  });

  it("flags > env > config > defaults", async () => {
    const cwd = setup();
    writeFileSync(
      join(cwd, "vlmopt.config.json"),
      JSON.stringify({ llm: "scripted", iterations: 1, strategy: "toy", out: "from-config" }),
    );
    const io = memoryIo({ cwd, env: { VLMOPT_OUT: "from-env" } });
    const argv = [
      "optimize",
      "--dataset",
      "toy",
      "--data-root",
      "data",
      "--model",
      "random:tiny",
      "--iterations",
      "2",
    ];
    expect(await run(argv, io, fakeRegistry())).toBe(0);
    const [dir] = readdirSync(join(cwd, "from-env"));
    const manifest = JSON.parse(readFileSync(join(cwd, "from-env", dir as string, "manifest.json"), "utf8"));
    expect(manifest.options).toMatchObject({ iterations: 2, llm: "scripted", seed: 1, shots: 1 });
    expect(dir).toMatch(/^toy-toy-\d{8}-\d{6}$/);
  });

  it("strategies list shows every strategy with its parameters (real registry)", async () => {
    const io = memoryIo();
    expect(await run(["strategies", "list"], io)).toBe(0);
    for (const name of ["hill-climb", "hill-climb-code", "ape", "ape-iterative", "random", "opro"]) {
      expect(io.outText).toMatch(new RegExp(`^${name} `, "m"));
    }
    expect(io.outText).toContain("iterations=10");
    const json = memoryIo();
    expect(await run(["strategies", "list", "--json"], json)).toBe(0);
    const listed = JSON.parse(json.outText) as { name: string; params: { name: string }[] }[];
    expect(listed.find((s) => s.name === "hill-climb")?.params.map((p) => p.name)).toContain("k");
  });

  it("--help on a command group lists its sub-commands", async () => {
    for (const [group, subs] of [
      ["models", ["models list", "models download"]],
      ["datasets", ["datasets list", "datasets check"]],
      ["strategies", ["strategies list"]],
    ] as const) {
      const io = memoryIo();
      expect(await run([group, "--help"], io, fakeRegistry())).toBe(0);
      for (const sub of subs) expect(io.outText).toMatch(new RegExp(`^ {2}${sub} `, "m"));
      expect(io.outText).toContain("Example");
      const bare = memoryIo();
      expect(await run([group], bare, fakeRegistry())).toBe(2);
      expect(bare.errText).toContain(`unknown or missing sub-command for "${group}"`);
      expect(bare.errText).toContain(`  ${subs[0]} `);
    }
  });

  it("--help on every command shows an example", async () => {
    for (const cmd of [
      ["optimize"],
      ["eval"],
      ["resume"],
      ["transfer"],
      ["report"],
      ["models", "list"],
      ["models", "download"],
      ["datasets", "list"],
      ["datasets", "check"],
      ["strategies", "list"],
    ]) {
      const io = memoryIo();
      expect(await run([...cmd, "--help"], io, fakeRegistry())).toBe(0);
      expect(io.outText).toMatch(/Example/);
      expect(io.outText).toContain(`vlmopt ${cmd.join(" ")}`);
    }
  });
});
