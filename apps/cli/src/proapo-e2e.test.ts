/**
 * `vlmopt optimize --strategy proapo --llm simulated` as a user runs it: `node apps/cli/dist/bin.js`
 * on the embedded demo (EuroSAT subset) with the tiny random-weight CLIP model (chance accuracy)
 * and the simulated provider (not an LLM), offline. Needs a build (the root `pnpm test` builds first).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const BIN = join(resolve(dirname(fileURLToPath(import.meta.url)), ".."), "dist/bin.js");
const work = mkdtempSync(join(tmpdir(), "vlmopt-proapo-"));
const cacheDir = join(work, "cache");
const short = [
  ["templateEpochs", 2],
  ["outerEpochs", 1],
  ["maxGroups", 1],
  ["descriptionEpochs", 2],
  ["descriptionsPerClass", 4],
].flatMap(([k, v]) => ["--param", `${k}=${v}`]);

const execBin = promisify(execFile);

/** The CLI as a subprocess: its exit code and output (a non-zero exit is a result, not a throw). */
async function vlmopt(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const options = { cwd: work, env: { PATH: process.env.PATH ?? "", HOME: work }, maxBuffer: 16 << 20 };
  try {
    const { stdout, stderr } = await execBin(process.execPath, [BIN, ...args], options);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

const optimize = (out: string, extra: string[] = []) =>
  vlmopt([
    "optimize",
    ...["--dataset", "demo", "--shots", "1", "--seed", "1", "--model", "random:tiny"],
    ...["--cache-dir", cacheDir, "--strategy", "proapo", "--llm", "simulated", "--out", out],
    ...short,
    ...extra,
  ]);

const runDir = (out: string) => join(out, readdirSync(out)[0] as string);
const events = (dir: string) =>
  readFileSync(join(dir, "events.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("proapo (subprocess, demo, simulated LLM, offline)", () => {
  it("runs both stages end to end, the simulated provider answering every request, and resumes to the same result", async () => {
    const out = join(work, "runs");
    const r = await optimize(out);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/random weights — accuracy is meaningless/);
    expect(r.stdout + r.stderr).toMatch(/simulated provider — not an LLM/);
    const dir = runDir(out);
    const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
    expect(results.stop.kind).toBe("completed");
    const log = events(dir);
    const labels = log.filter((e) => e.type === "step-start").map((e) => String(e.label));
    expect(labels[0]).toBe("proapo: template library (one LLM call)");
    expect(labels.some((l) => l.startsWith("proapo templates: generation 2/2 ("))).toBe(true);
    expect(labels.some((l) => l.startsWith("proapo descriptions: library for "))).toBe(true);
    expect(labels.some((l) => /^proapo descriptions round 1: .+: generation 1\/2/.test(l))).toBe(true);
    // Every LLM request (template edits, then descriptions) got a reply that parsed.
    const parsed = log.filter((e) => e.type === "llm-parsed");
    expect(parsed.length).toBe(results.usage.llmCalls);
    for (const p of parsed) expect((p.templates as string[]).length).toBeGreaterThan(0);
    expect(results.usage.llmCalls).toBeGreaterThanOrEqual(2);
    // Every candidate was scored with the details the fitness needs.
    for (const h of results.history) expect(h.details.crossEntropy).toBeGreaterThan(0);
    expect(results.history.some((h: { source: string }) => h.source === "evolution")).toBe(true);

    const resumed = await vlmopt(["resume", dir, "--cache-dir", cacheDir]);
    expect(resumed.code).toBe(0);
    const again = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
    expect(again.replayedCalls).toBe(results.usage.llmCalls);
    expect(again.chosen.templates).toEqual(results.chosen.templates);
    expect(again.history.length).toBe(results.history.length);
  }, 240_000);

  it("stops at --max-calls with the budget exit code", async () => {
    const r = await optimize(join(work, "runs-budget"), ["--max-calls", "1"]);
    expect(r.code).toBe(3);
    const results = JSON.parse(readFileSync(join(runDir(join(work, "runs-budget")), "results.json"), "utf8"));
    expect(results.stop.kind).toBe("budget");
    expect(results.usage.llmCalls).toBe(1);
  }, 240_000);
});
