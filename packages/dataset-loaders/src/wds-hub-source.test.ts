import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FAKE_COMMIT, startFakeHub } from "@vlmopt/clip-embedding/testing";
import { afterAll, describe, expect, it } from "vitest";
import { makeTar } from "./download/archives.test-helper.js";
import { loadDataset } from "./load-dataset.js";
import { parseDatasetSpec } from "./read-source.js";
import { DEMO_DIR } from "./registry.js";

// clip_benchmark's hub layout (classnames.txt, test/<n>.tar, test/nshards.txt), generated from the
// demo's real EuroSAT images and served by the local hub stand-in as a dataset repo.
const work = mkdtempSync(join(tmpdir(), "vlmopt-wds-hub-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const split = JSON.parse(readFileSync(join(DEMO_DIR, "split.json"), "utf8")) as Record<
  string,
  [string, number][]
>;

async function shard(samples: [string, number][], from: number): Promise<Uint8Array> {
  const entries = samples.flatMap(([rel, label], i) => {
    const k = `s${String(from + i).padStart(7, "0")}`;
    return [
      { name: `${k}.jpg`, data: readFileSync(join(DEMO_DIR, "images", rel)) },
      { name: `${k}.cls`, data: String(label) },
    ];
  });
  return new Uint8Array(await makeTar(entries, false));
}

describe("wds:<hub repo>", () => {
  it("is told apart from a local folder", () => {
    expect(parseDatasetSpec("wds:clip-benchmark/wds_eurosat")).toEqual({
      kind: "wds-hub",
      rest: "clip-benchmark/wds_eurosat",
    });
    expect(parseDatasetSpec(`wds:${work}`).kind).toBe("wds");
  });

  it("downloads classnames.txt and the shards into the hub cache and reads them", async () => {
    const test = split.test ?? [];
    const half = Math.floor(test.length / 2);
    const hub = await startFakeHub(
      "clip-benchmark/wds_sat",
      new Map([
        ["classnames.txt", new Uint8Array(readFileSync(join(DEMO_DIR, "classnames.txt")))],
        ["test/0.tar", await shard(test.slice(0, half), 0)],
        ["test/1.tar", await shard(test.slice(half), half)],
        ["test/nshards.txt", new TextEncoder().encode("2\n")],
        ["README.md", new TextEncoder().encode("# wds\n")],
      ]),
      { repoType: "dataset" },
    );
    hub.cutOnce.add("test/1.tar"); // a cut connection resumes with Range
    try {
      const ds = await loadDataset("wds:clip-benchmark/wds_sat", {
        root: work,
        hub: { endpoint: hub.endpoint, hubCacheDir: join(work, "hub"), env: {} },
        wdsCacheDir: join(work, "wds-cache"),
      });
      expect(ds.name).toBe("wds_sat");
      expect(ds.classNames.length).toBe(10);
      const total = ds.splits.train.length + ds.splits.val.length + ds.splits.test.length;
      expect(total).toBe(test.length);
      expect(ds.provenance?.root ?? "").not.toBe("");
      expect(
        hub.requests.some((r) => r.url.includes("/datasets/clip-benchmark/wds_sat/resolve/main/test/1.tar")),
      ).toBe(true);
      expect(hub.requests.some((r) => r.range !== undefined)).toBe(true);
      expect(hub.requests.some((r) => r.url.includes("README.md") && r.method === "GET")).toBe(false);
      const snap = join(
        work,
        "hub",
        "datasets--clip-benchmark--wds_sat",
        "snapshots",
        FAKE_COMMIT,
        "test",
        "1.tar",
      );
      expect(readFileSync(snap).length).toBeGreaterThan(0);
    } finally {
      await hub.close();
    }
  });

  it("a repo without clip_benchmark's layout: one clear error", async () => {
    const hub = await startFakeHub(
      "someone/texts",
      new Map([["data.csv", new TextEncoder().encode("a,b\n")]]),
      {
        repoType: "dataset",
      },
    );
    try {
      const err = await loadDataset("wds:someone/texts", {
        root: work,
        hub: { endpoint: hub.endpoint, hubCacheDir: join(work, "hub2"), env: {} },
      }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(
        /not in clip_benchmark's WebDataset layout: no classnames\.txt, no <split>\/<n>\.tar shards/,
      );
    } finally {
      await hub.close();
    }
  });
});
