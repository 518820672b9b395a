import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tinyPng } from "@vlmopt/core/testing";
import { describe, expect, it } from "vitest";
import { memoryIo } from "./io.js";
import { EXIT, run, slug } from "./main.js";
import { smokeRunArgv, toyWiring, writeToyDataset } from "./test-doubles.js";
import { createDefaultWiring } from "./wiring.js";

const smokeRun = smokeRunArgv;

describe("vlmopt-bench command line", () => {
  it("names its commands in the form that was run (`pnpm vlmopt-bench` through pnpm)", async () => {
    const viaPnpm = memoryIo({ npm_config_user_agent: "pnpm/10.34.9 npm/? node/v20.20.2 linux x64" });
    expect(await run(["--help"], viaPnpm.io, { wiring: toyWiring() })).toBe(EXIT.ok);
    expect(viaPnpm.stdout()).toMatch(/^ {2}pnpm vlmopt-bench run --suite /m);
    expect(viaPnpm.stdout()).toMatch(/^vlmopt-bench — /);
    const plain = memoryIo();
    expect(await run(["--help"], plain.io, { wiring: toyWiring() })).toBe(EXIT.ok);
    expect(plain.stdout()).toMatch(/^ {2}vlmopt-bench run --suite /m);
  });

  it("prints help for every command", async () => {
    for (const argv of [
      ["--help"],
      ["run", "--help"],
      ["perf", "--help"],
      ["perf", "score", "--help"],
      ["report", "--help"],
    ]) {
      const m = memoryIo();
      expect(await run(argv, m.io, { wiring: toyWiring() })).toBe(EXIT.ok);
      expect(m.stdout()).toMatch(/vlmopt-bench/);
    }
  });
  it("rejects unknown commands, missing flags and bad numbers with exit code 2", async () => {
    const cases = [
      ["bogus"],
      ["run", "--suite", "smoke", "--llm", "simulated"],
      ["run", "--suite", "nope", "--llm", "simulated", "--model", "m"],
      ["run", "--suite", "smoke", "--llm", "simulated", "--model", "m", "--parallel", "x"],
      ["run", "--suite", "smoke", "--llm", "simulated", "--model", "m", "--datasets", "imagenet"],
      ["run", "--unknown-flag"],
    ];
    for (const argv of cases) {
      const m = memoryIo();
      expect(await run(argv, m.io, { wiring: toyWiring() }), argv.join(" ")).toBe(EXIT.usage);
      expect(m.stderr()).toMatch(/error: /);
    }
  });
  it("perf score and perf loop print a table and a final JSON line naming the model", async () => {
    const score = memoryIo();
    expect(
      await run(["perf", "score", "--model", "test:hash", "--classes", "3,5", "--reps", "1"], score.io, {
        wiring: toyWiring(),
      }),
    ).toBe(0);
    const scoreJson = JSON.parse(score.stdout().trim().split("\n").pop() as string);
    expect(scoreJson).toMatchObject({ bench: "score", model: { id: "test:hash" }, target: 1.05 });
    expect(scoreJson.rows.map((r: { classes: number }) => r.classes)).toEqual([3, 5, 3]);
    // The last row scores a per-class description set of 8 texts per class (C × 8 texts).
    expect(scoreJson.rows.map((r: { textsPerClass: number }) => r.textsPerClass)).toEqual([1, 1, 8]);
    expect(score.stdout()).toContain("ratio");

    const root = mkdtempSync(join(tmpdir(), "vlmopt-bench-loop-data-"));
    writeToyDataset(root, "eurosat");
    const loop = memoryIo();
    expect(
      await run(["perf", "loop", "--model", "test:hash", "--data-root", root, "--iterations", "2"], loop.io, {
        wiring: toyWiring({ iterations: 2 }),
      }),
    ).toBe(0);
    const loopJson = JSON.parse(loop.stdout().trim().split("\n").pop() as string);
    expect(loopJson).toMatchObject({
      bench: "loop",
      model: { id: "test:hash" },
      llmCalls: 2,
      targetMs: 5000,
    });
    expect(loopJson.overheadMs).toBeLessThanOrEqual(loopJson.wallMs);
    rmSync(root, { recursive: true, force: true });
  });
  it("runs a suite through run() and re-renders it with report", async () => {
    const root = mkdtempSync(join(tmpdir(), "vlmopt-bench-cli-data-"));
    writeToyDataset(root, "eurosat");
    const out = mkdtempSync(join(tmpdir(), "vlmopt-bench-cli-out-"));
    const m = memoryIo({}, out);
    const argv = [...smokeRun(root), "--datasets", "eurosat", "--strategies", "random,a-photo-of"];
    // a bad --published file stops `run` before any run starts
    const badRunFile = join(out, "bad-run.json");
    writeFileSync(badRunFile, JSON.stringify({ source: "x", backbone: "CLIP RN50", rows: { nope: {} } }));
    const early = memoryIo({}, out);
    expect(await run([...argv, "--published", badRunFile], early.io, { wiring: toyWiring() })).toBe(
      EXIT.usage,
    );
    expect(early.stderr()).toContain('rows."nope" is not a method');
    expect(existsSync(join(out, "bench-runs"))).toBe(false);
    expect(await run(argv, m.io, { wiring: toyWiring() })).toBe(0);
    const dir = join(out, "bench-runs", `smoke-${slug("test:hash")}-scripted`);
    expect(existsSync(join(dir, "results.json"))).toBe(true);
    rmSync(join(dir, "report.html"));
    const r = memoryIo({}, out);
    expect(await run(["report", dir], r.io)).toBe(0);
    expect(existsSync(join(dir, "report.html"))).toBe(true);

    // --published: a bad file is refused before anything is rewritten …
    const md = readFileSync(join(dir, "results.md"), "utf8");
    const badFile = join(out, "bad.json");
    writeFileSync(
      badFile,
      JSON.stringify({ source: "x", backbone: "CLIP RN50", rows: { random: { eurosat: 140 } } }),
    );
    const b = memoryIo({}, out);
    expect(await run(["report", dir, "--published", badFile], b.io)).toBe(EXIT.usage);
    expect(b.stderr()).toContain('rows."random"."eurosat" is 140');
    expect(readFileSync(join(dir, "results.md"), "utf8")).toBe(md);
    // … and a good one is shown beside the measured numbers once the suite's backbone is the table's
    const stored = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
    stored.identity.model = { ...stored.identity.model, id: "clip-rn50", spec: "clip-rn50" };
    delete stored.identity.model.warning;
    delete stored.identity.meaningless;
    delete stored.warning;
    writeFileSync(join(dir, "results.json"), JSON.stringify(stored));
    const goodFile = join(out, "good.json");
    writeFileSync(
      goodFile,
      JSON.stringify({
        source: "typed-in table",
        backbone: "CLIP RN50",
        rows: { random: { eurosat: 61.2 } },
      }),
    );
    expect(await run(["report", dir, "--published", goodFile], memoryIo({}, out).io)).toBe(0);
    const shown = readFileSync(join(dir, "results.md"), "utf8");
    expect(shown).toContain("Source: typed-in table");
    expect(shown).toMatch(/\| Random search \| [0-9.—]+ \/ 61\.2 \|/);
    // a later re-render without --published keeps the table stored in results.json
    expect(await run(["report", dir], memoryIo({}, out).io)).toBe(0);
    expect(readFileSync(join(dir, "results.md"), "utf8")).toContain("/ 61.2");
    rmSync(root, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it("a missing data root is one line, exit 1, and nothing is written", async () => {
    const out = mkdtempSync(join(tmpdir(), "vlmopt-bench-noroot-"));
    const m = memoryIo({}, out);
    const argv = ["run", "--suite", "smoke", "--llm", "simulated", "--model", "random:tiny"];
    expect(await run([...argv, "--data-root", "/nonexistent"], m.io, { wiring: toyWiring() })).toBe(
      EXIT.error,
    );
    expect(m.stderr()).toBe(
      "error: data root /nonexistent does not exist (--data-root /nonexistent) — pass the directory that holds eurosat/, oxford_flowers/, … e.g. --data-root ../shared/datasets\n",
    );
    expect(m.stdout()).toBe("");
    expect(readdirSync(out)).toEqual([]);
    rmSync(out, { recursive: true, force: true });
  });
  it("a suite none of whose datasets loads exits 1, writes nothing, and gives each fix once (real loader)", async () => {
    const root = mkdtempSync(join(tmpdir(), "vlmopt-bench-empty-root-"));
    const out = mkdtempSync(join(tmpdir(), "vlmopt-bench-empty-out-"));
    const real = createDefaultWiring();
    const wiring = { ...toyWiring(), resolveDataset: real.resolveDataset };
    const m = memoryIo({}, out);
    const argv = smokeRun(root);
    expect(await run(argv, m.io, { wiring })).toBe(EXIT.error);
    const err = m.stderr();
    const skips = err.split("\n").filter((l) => l.startsWith("skip "));
    expect(skips.map((l) => l.split(":")[0])).toEqual(["skip eurosat", "skip oxford_flowers"]);
    for (const line of skips) {
      expect(line).toContain(`cannot be loaded from ${root}: `);
      expect(line.split("Lay it out as CoOp does")).toHaveLength(2);
    }
    expect(err.split("Lay it out as CoOp does")).toHaveLength(3);
    expect(err).toMatch(
      /^error: none of the 2 datasets of suite smoke \(eurosat, oxford_flowers\) can be loaded from /m,
    );
    expect(readdirSync(out)).toEqual([]);
    rmSync(root, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });
  it("a corrupt image stops `run` before its first LLM call: one error naming file and split, exit 1, nothing written (real check)", async () => {
    const root = mkdtempSync(join(tmpdir(), "vlmopt-bench-badimg-root-"));
    const out = mkdtempSync(join(tmpdir(), "vlmopt-bench-badimg-out-"));
    for (const name of ["eurosat", "oxford_flowers"]) {
      writeToyDataset(root, name);
      readdirSync(join(root, name)).forEach((file, i) => {
        writeFileSync(join(root, name, file), tinyPng(i * 7));
      });
    }
    const corrupt = join(root, "eurosat", "val-1-0.img");
    writeFileSync(corrupt, tinyPng(3).subarray(0, 30)); // cut inside the image data
    const wiring = { ...toyWiring(), checkImages: createDefaultWiring().checkImages };
    const m = memoryIo({}, out);
    expect(await run(smokeRun(root), m.io, { wiring })).toBe(EXIT.error);
    const errors = m
      .stderr()
      .split("\n")
      .filter((l) => l.startsWith("error: "));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("dataset eurosat");
    expect(m.stderr()).toContain(`${corrupt} (val)`);
    expect(wiring.llm.calls).toHaveLength(0);
    expect(readdirSync(out)).toEqual([]);
    rmSync(root, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });
});
