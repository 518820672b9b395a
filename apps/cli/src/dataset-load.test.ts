import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DatasetFormatError } from "@vlmopt/core";
import { createRegistry } from "@vlmopt/registry";
import { describe, expect, it } from "vitest";
import { cliWording, readableDatasetError, selectionFlags } from "./dataset-load.js";
import { fakeRegistry } from "./fake-registry.js";
import { memoryIo } from "./io.js";
import { run } from "./main.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const DATA = resolve(repoRoot, "../shared/datasets");
const hasShared = existsSync(join(DATA, "eurosat"));
if (!hasShared)
  console.warn(`skipping the CLI's dataset-error tests on real data: ${DATA}/eurosat is missing`);

/** An error shaped like dataset-loaders' DatasetProblemsError. */
function problemsError(problems: { code: string; message: string; fix: string; file?: string }[]) {
  return Object.assign(new DatasetFormatError("(message)", { hint: "(hint)" }), {
    what: 'Dataset "x" at /d/x',
    problems,
  });
}

describe("readableDatasetError", () => {
  it("puts what and how to fix on the first line, then at most 5 problems, each distinct fix once", () => {
    const problems = [
      { code: "a", message: "split file is broken", fix: "Use CoOp's split.", file: "/d/x/split.json" },
      ...Array.from({ length: 7 }, (_, i) => ({
        code: "b",
        message: `image ${i} is missing`,
        fix: "Download the images.",
      })),
    ];
    const error = readableDatasetError(problemsError(problems), "x", "/d");
    expect(error?.message).toBe(
      'Dataset "x" at /d/x cannot be loaded (8 problems) — fix each as listed below; `vlmopt datasets check x --data-root /d` gives the full report',
    );
    expect(error?.details).toEqual([
      "  - split file is broken (file: /d/x/split.json)",
      "    fix: Use CoOp's split.",
      "  - image 0 is missing",
      "    fix: Download the images.",
      "  - image 1 is missing",
      "  - image 2 is missing",
      "  - image 3 is missing",
      "  … and 3 more (`vlmopt datasets check x --data-root /d` lists every problem)",
    ]);
    expect(error?.kind).toBe("dataset-format");
  });

  it("names the check that selects what the load selected (own data: no --data-root)", () => {
    const problems = ["a", "b"].map((code) => ({ code, message: `${code} is wrong`, fix: `Fix ${code}.` }));
    const flags = selectionFlags({ shots: 2, seed: 3, fewshotSource: "sample", fewshotFile: "/l/f.json" });
    expect(flags).toEqual([
      "--shots",
      "2",
      "--seed",
      "3",
      "--fewshot-source",
      "sample",
      "--fewshot-file",
      "/l/f.json",
    ]);
    expect(readableDatasetError(problemsError(problems), "/d/photos", undefined, flags)?.message).toContain(
      "`vlmopt datasets check /d/photos --shots 2 --seed 3 --fewshot-source sample --fewshot-file /l/f.json` gives the full report",
    );
  });

  it("leaves other errors alone and words API options as flags", () => {
    expect(readableDatasetError(new DatasetFormatError("plain"), "x", "/d")).toBeNull();
    expect(readableDatasetError(new Error("x"), "x", "/d")).toBeNull();
    expect(
      cliWording('pass fewshotFile (e.g. a.json), or use fewshotSource "sample" for a seeded sample.'),
    ).toBe("pass --fewshot-file <file> (e.g. a.json), or use --fewshot-source sample for a seeded sample.");
  });
});

describe.skipIf(!hasShared)(
  "a K-shot list that does not exist (real dataset-loaders, shared EuroSAT)",
  () => {
    const real = createRegistry();
    const registry = () =>
      fakeRegistry({ resolveDataset: real.resolveDataset, listDatasets: real.listDatasets });
    const args = ["optimize", "--dataset", "eurosat", "--data-root", DATA, "--model", "random:tiny"];
    const rest = ["--llm", "scripted", "--strategy", "toy", "--iterations", "1", "--no-test"];

    it("--shots 3: one readable error whose fix names the CLI's flags once; nothing written", async () => {
      const cwd = mkdtempSync(join(tmpdir(), "vlmopt-cli-ds-"));
      const io = memoryIo({ cwd });
      expect(await run([...args, "--shots", "3", ...rest], io, registry())).toBe(1);
      const lines = io.errText.trimEnd().split("\n");
      expect(lines[0]).toMatch(
        /^error: Dataset "eurosat" at .*eurosat cannot be loaded \(1 problem\) — fix: .*--fewshot-file <file>.*--fewshot-source sample/,
      );
      expect(lines.slice(1)).toHaveLength(1);
      expect(lines[1]).toMatch(/^ {2}- No CoOp few-shot list shot_3-seed_1 found/);
      expect(io.errText.split("for a seeded sample")).toHaveLength(2);
      expect(io.errText).not.toMatch(/fewshotFile|fewshotSource/);
      expect(readdirSync(cwd)).toEqual([]);
    });

    it("--fewshot-source sample and --fewshot-file reach the loader", async () => {
      const cwd = mkdtempSync(join(tmpdir(), "vlmopt-cli-ds-"));
      const io = memoryIo({ cwd });
      const code = await run(
        [...args, "--shots", "3", "--fewshot-source", "sample", ...rest, "--run-dir", "s"],
        io,
        registry(),
      );
      expect(io.errText).not.toMatch(/^error/m);
      expect(code).toBe(0);
      const manifest = JSON.parse(readFileSync(join(cwd, "s/manifest.json"), "utf8"));
      expect(manifest.dataset).toMatchObject({ shots: 3 });
      expect(manifest.dataset.counts.train).toBe(30);
      expect(manifest.options.fewshotSource).toBe("sample");

      const file = join(DATA, "eurosat/split_fewshot/shot_1-seed_1.json");
      const withFile = memoryIo({ cwd });
      expect(
        await run(
          [...args, "--shots", "1", "--fewshot-file", file, ...rest, "--run-dir", "f"],
          withFile,
          registry(),
        ),
      ).toBe(0);
      expect(JSON.parse(readFileSync(join(cwd, "f/manifest.json"), "utf8")).options.fewshotFile).toBe(file);
      const missing = memoryIo({ cwd });
      expect(await run([...args, "--fewshot-file", "nope.json", ...rest], missing, registry())).toBe(1);
      expect(missing.errText).toContain(join(cwd, "nope.json"));
    });
  },
);
