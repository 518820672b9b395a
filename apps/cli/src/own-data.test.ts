/**
 * Your own data through the CLI (real dataset-loaders; test doubles for the model and the LLM):
 * no --data-root, paths relative to the working directory, `datasets check` on what `optimize`
 * will use.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import { createRegistry } from "@vlmopt/registry";
import { describe, expect, it } from "vitest";
import { fakeRegistry } from "./fake-registry.js";
import { memoryIo } from "./io.js";
import { run } from "./main.js";

/** A valid 2×2 RGB PNG whose pixels (and so bytes) depend on `shade`. */
function png(shade: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = [0, shade, 255 - shade, shade >> 1, shade, 0, 255];
  const raw = Buffer.from([...row, ...row]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** cwd/my_folder/{cat,dog}/<n>.png (10 each) and a notes.txt that is not an image. */
function ownFolder(): string {
  const cwd = mkdtempSync(join(tmpdir(), "vlmopt-own-"));
  for (const [c, cls] of ["cat", "dog"].entries()) {
    mkdirSync(join(cwd, "my_folder", cls), { recursive: true });
    for (let i = 0; i < 10; i++) writeFileSync(join(cwd, "my_folder", cls, `${i}.png`), png(c * 100 + i * 7));
  }
  writeFileSync(join(cwd, "my_folder", "notes.txt"), "where the photos came from");
  return cwd;
}

const real = createRegistry();
const registry = () =>
  fakeRegistry({
    resolveDataset: real.resolveDataset,
    listDatasets: real.listDatasets,
    checkDataset: real.checkDataset,
  });
const optimizeArgs = [
  "--model",
  "random:tiny",
  "--llm",
  "scripted",
  "--strategy",
  "toy",
  "--iterations",
  "1",
];

describe("own data without --data-root", () => {
  it("datasets check ./my_folder: the real location, the classes, the skipped files", async () => {
    const cwd = ownFolder();
    const io = memoryIo({ cwd });
    expect(await run(["datasets", "check", "./my_folder"], io, registry())).toBe(0);
    const lines = io.outText.split("\n");
    expect(lines[0]).toMatch(
      new RegExp(`^\\./my_folder at ${join(cwd, "my_folder")} \\(folder layout\\): ok \\(classes 2, `),
    );
    expect(lines).toContain("classes: cat, dog");
    expect(lines).toContain(
      "checked as optimize --shots 1 --seed 1 uses it: a seeded sample (train 2, val 2, test 6)",
    );
    expect(lines).toContain("skipped (not images): notes.txt");
    const json = memoryIo({ cwd });
    expect(await run(["datasets", "check", "folder:my_folder", "--json"], json, registry())).toBe(0);
    expect(JSON.parse(json.outText)).toMatchObject({
      datasetDir: join(cwd, "my_folder"),
      classNames: ["cat", "dog"],
      skippedFiles: ["notes.txt"],
    });
  });

  for (const [form, make] of [
    ["./my_folder", () => "./my_folder"],
    ["folder:my_folder", () => "folder:my_folder"],
    ["my_folder (a bare existing folder)", () => "my_folder"],
    [
      "manifest:./m.csv",
      (cwd: string) => {
        const rows = ["cat", "dog"].flatMap((cls) =>
          Array.from({ length: 10 }, (_, i) => `my_folder/${cls}/${i}.png,${cls}`),
        );
        writeFileSync(join(cwd, "m.csv"), `path,label\n${rows.join("\n")}\n`);
        return "manifest:./m.csv";
      },
    ],
  ] as const) {
    it(`optimize --dataset ${form} runs, and its run resumes from another directory`, async () => {
      const cwd = ownFolder();
      const dataset = make(cwd);
      const io = memoryIo({ cwd });
      expect(
        await run(["optimize", "--dataset", dataset, ...optimizeArgs, "--run-dir", "r"], io, registry()),
      ).toBe(0);
      const manifest = JSON.parse(readFileSync(join(cwd, "r/manifest.json"), "utf8"));
      expect(manifest.options.dataset).toMatch(new RegExp(`^(folder:|manifest:)?${cwd}/`));
      expect(manifest.options.dataRoot).toBeUndefined();
      const elsewhere = memoryIo({ cwd: tmpdir() });
      expect(await run(["resume", join(cwd, "r")], elsewhere, registry())).toBe(0);
      expect(elsewhere.errText).not.toMatch(/^error/m);
    });
  }

  it("a path that does not exist is named, with how to give own data", async () => {
    const cwd = ownFolder();
    const io = memoryIo({ cwd });
    expect(await run(["optimize", "--dataset", "./nope", ...optimizeArgs], io, registry())).toBe(1);
    expect(io.errText).toMatch(
      /^error: --dataset \.\/nope: .*\/nope does not exist — check the path; your own data needs no --data-root/,
    );
    expect(io.errText).not.toContain("shared");
  });

  it("main --help and datasets list say how to use your own data", async () => {
    const help = memoryIo();
    expect(await run(["--help"], help)).toBe(0);
    expect(help.outText).toContain("--dataset ./my_folder");
    const list = memoryIo();
    expect(await run(["datasets", "list"], list)).toBe(0);
    expect(list.outText).toMatch(/^Your own data needs no --data-root: --dataset \.\/my_folder/m);
  });
});

describe("datasets check checks what optimize will use", () => {
  /** cwd/coop_like: split.json and images/, no split_fewshot/ lists. */
  function splitDir(): string {
    const cwd = mkdtempSync(join(tmpdir(), "vlmopt-split-"));
    const split: Record<string, [string, number, string][]> = { train: [], val: [], test: [] };
    for (const [label, cls] of ["cat", "dog"].entries()) {
      for (const [n, part] of ["train", "val", "test"].entries()) {
        const rel = `${cls}/${part}.png`;
        mkdirSync(join(cwd, "coop_like", "images", cls), { recursive: true });
        writeFileSync(join(cwd, "coop_like", "images", rel), png(label * 90 + n * 20));
        split[part]?.push([rel, label, cls]);
      }
    }
    writeFileSync(join(cwd, "coop_like", "split.json"), JSON.stringify(split));
    return cwd;
  }

  it("a missing K-shot list: optimize rejects it, and so does the check with the same options", async () => {
    const cwd = splitDir();
    const opt = memoryIo({ cwd });
    expect(await run(["optimize", "--dataset", "./coop_like", ...optimizeArgs], opt, registry())).toBe(1);
    expect(opt.errText).toMatch(/No CoOp few-shot list shot_1-seed_1 found/);
    const check = memoryIo({ cwd });
    expect(
      await run(["datasets", "check", "./coop_like", "--shots", "1", "--seed", "1"], check, registry()),
    ).toBe(1);
    expect(check.outText).toMatch(/problems found/);
    expect(check.outText).toMatch(/^error: No CoOp few-shot list shot_1-seed_1 found/m);
    // With the sample optimize would then use, both agree it is fine.
    const sample = memoryIo({ cwd });
    expect(
      await run(["datasets", "check", "./coop_like", "--fewshot-source", "sample"], sample, registry()),
    ).toBe(0);
    expect(sample.outText).toContain("a seeded sample (train 2, val 2, test 2)");
  });
});
