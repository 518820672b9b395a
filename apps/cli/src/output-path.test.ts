import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeRegistry, writeToyDataset } from "./fake-registry.js";
import { memoryIo } from "./io.js";
import { run } from "./main.js";
import { DEFAULT_PROBE, outputDirProblem } from "./output-path.js";

const tmp = () => mkdtempSync(join(tmpdir(), "vlmopt-out-"));

describe("outputDirProblem", () => {
  it("accepts a directory that does not exist yet under a writable one, and makes nothing", () => {
    const cwd = tmp();
    expect(outputDirProblem(cwd, "runs/deeper", "--out")).toBeNull();
    expect(outputDirProblem(cwd, ".", "--out")).toBeNull();
  });

  it("names the flag for a file, a path under a file and a pseudo-filesystem", () => {
    const cwd = tmp();
    writeFileSync(join(cwd, "f"), "x");
    expect(outputDirProblem(cwd, "f", "--out")?.message).toBe(
      `--out "f" is not a directory vlmopt can write to: ${join(cwd, "f")} is a file`,
    );
    expect(outputDirProblem(cwd, "f/run", "--run-dir")?.message).toMatch(
      /^--run-dir "f\/run" is not a directory vlmopt can write to: .*\/f is a file, so .*\/f\/run cannot be made under it$/,
    );
    for (const p of ["/proc/x", "/sys/kernel/x", "/dev/x", "/proc"]) {
      expect(outputDirProblem(cwd, p, "--out")?.message).toMatch(/is a kernel pseudo-filesystem/);
    }
  });

  it("uses statfs for pseudo-filesystems mounted elsewhere, and the writability probe", () => {
    const cwd = tmp();
    const proc = { ...DEFAULT_PROBE, fsType: () => 0x9fa0 };
    expect(outputDirProblem(cwd, "runs", "--out", proc)?.message).toMatch(/is on a proc pseudo-filesystem/);
    const readOnly = { ...DEFAULT_PROBE, writable: () => false };
    expect(outputDirProblem(cwd, "runs", "--out", readOnly)?.message).toBe(
      `--out "runs" is not a directory vlmopt can write to: ${cwd} is not writable (permissions or a read-only mount)`,
    );
    // The real probe answers for the directory itself.
    expect(DEFAULT_PROBE.writable(cwd)).toBe(true);
    expect(DEFAULT_PROBE.fsType("/proc")).toBe(0x9fa0);
  });
});

describe("optimize checks --out and --run-dir before anything loads", () => {
  const base = ["--dataset", "toy", "--data-root", "data", "--model", "random:tiny", "--strategy", "toy"];
  const cases: [string, (cwd: string) => string[], RegExp][] = [
    [
      "--out is a file",
      () => ["--out", "file"],
      /^error: --out "file" is not a directory .*file is a file\n/,
    ],
    [
      "--run-dir under a file",
      () => ["--run-dir", "file/run"],
      /^error: --run-dir "file\/run" is not a directory .* cannot be made under it\n/,
    ],
    ["--out on /proc", () => ["--out", "/proc/x"], /^error: --out "\/proc\/x" .*pseudo-filesystem/],
    [
      "--run-dir on /sys",
      () => ["--run-dir", "/sys/x/y"],
      /^error: --run-dir "\/sys\/x\/y" .*pseudo-filesystem/,
    ],
  ];
  for (const [name, extra, pattern] of cases) {
    it(name, async () => {
      const cwd = tmp();
      writeToyDataset(join(cwd, "data"));
      writeFileSync(join(cwd, "file"), "not a directory");
      let modelLoads = 0;
      const registry = fakeRegistry({
        async resolveModel() {
          modelLoads++;
          throw new Error("the model must not load");
        },
      });
      const io = memoryIo({ cwd });
      const started = Date.now();
      const code = await run(["optimize", ...base, "--llm", "scripted", ...extra(cwd)], io, registry);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(code).toBe(2);
      expect(io.errText).toMatch(pattern);
      expect(io.errText.trimEnd().split("\n")).toHaveLength(2);
      expect(modelLoads).toBe(0);
    });
  }
});
