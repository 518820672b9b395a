import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEMO_DIR } from "@vlmopt/dataset-loaders";
import { afterAll, describe, expect, it } from "vitest";
import { demoImagePath, demoSplits, optimizeArgs, scratch } from "./demo-fixture.test-helper.js";
import { memoryIo } from "./io.js";
import { run } from "./main.js";

// clip_benchmark-style WebDataset shards (classnames.txt, test/0.tar with s%07d.jpg + .cls),
// written with the system tar from the demo's real EuroSAT images.
const fixture = scratch("vlmopt-wds-cli-");
const { work } = fixture;
afterAll(() => fixture.cleanup());

function writeShards(dir: string): void {
  const split = demoSplits().splits;
  const stage = join(work, "stage");
  mkdirSync(stage, { recursive: true });
  const names: string[] = [];
  split.test.forEach(([rel, label], i) => {
    const key = `s${String(i).padStart(7, "0")}`;
    copyFileSync(demoImagePath(rel), join(stage, `${key}.jpg`));
    writeFileSync(join(stage, `${key}.cls`), String(label));
    names.push(`${key}.jpg`, `${key}.cls`);
  });
  mkdirSync(join(dir, "test"), { recursive: true });
  copyFileSync(join(DEMO_DIR, "classnames.txt"), join(dir, "classnames.txt"));
  execFileSync("tar", ["-cf", join(dir, "test", "0.tar"), "-C", stage, ...names]);
}

describe("optimize --dataset wds:<dir>", () => {
  it("runs end to end on generated WebDataset shards (random:tiny, simulated)", async () => {
    const dir = join(work, "wds_eurosat");
    writeShards(dir);
    const io = memoryIo({ cwd: work });
    const code = await run(optimizeArgs(`wds:${dir}`, work, ["--data-root", work]), io);
    expect(io.errText).not.toMatch(/^error/m);
    expect(code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(work, "run", "manifest.json"), "utf8"));
    expect(manifest.dataset).toMatchObject({ name: "wds_eurosat", counts: { train: 10, val: 10, test: 90 } });
    const results = JSON.parse(readFileSync(join(work, "run", "results.json"), "utf8"));
    expect(results.stop).toEqual({ kind: "completed" });
    expect(results.chosen.perClassTest).toHaveLength(10);
  });
});
