import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { ConfigError } from "@vlmopt/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDataset } from "../check-dataset.js";
import { COOP_DATASETS_MD } from "../coop-split-links.js";
import { loadDataset } from "../load-dataset.js";
import { DEMO_DIR } from "../registry.js";
import { DATASETS_ROOT, HAS_SHARED } from "../shared-data.test-helper.js";
import { type ArchiveEntry, makeTar, makeZip, md5 } from "./archives.test-helper.js";
import type { DatasetPlan, DownloadPlan, RemoteFile } from "./catalog.js";
import { downloadDataset } from "./download-dataset.js";
import { DatasetDownloadError } from "./download-error.js";
import { type FileServer, startFileServer } from "./file-server.test-helper.js";

// The archives are generated here from real EuroSAT images (the demo's copies of the shared ones),
// in EuroSAT.zip's layout (2750/<Class>/<file>.jpg), with a CoOp split file listing exactly them.
const split = readFileSync(join(DEMO_DIR, "split.json"));
const rels = (
  JSON.parse(split.toString("utf8")) as { test: [string][]; train: [string][]; val: [string][] }
).test
  .concat(
    (JSON.parse(split.toString("utf8")) as { train: [string][] }).train,
    (JSON.parse(split.toString("utf8")) as { val: [string][] }).val,
  )
  .map((e) => e[0]);
const images: ArchiveEntry[] = [...new Set(rels)].map((rel) => ({
  name: `2750/${rel}`,
  data: readFileSync(join(DEMO_DIR, "images", rel)),
}));
const datasetEntries: ArchiveEntry[] = [...images, { name: "split_zhou_EuroSAT.json", data: split }];

const files = new Map<string, Buffer>();
let server: FileServer;
const work = mkdtempSync(join(tmpdir(), "vlmopt-download-"));
let n = 0;
const freshRoot = () => join(work, `root-${++n}`);

function planOf(file: Partial<RemoteFile> & { name: string }): DatasetPlan[] {
  const plan: DownloadPlan = {
    kind: "download",
    name: "eurosat",
    datasetDir: "eurosat",
    files: [
      {
        url: `${server.baseURL}/${file.name}`,
        extract: { format: file.name.endsWith(".zip") ? "zip" : "tar.gz", strip: "", into: "" },
        ...file,
      },
    ],
    splitFile: null,
    fewshotLists: false,
    terms: "EuroSAT (Helber et al.), MIT license.",
  };
  return [plan];
}

async function serve(name: string, body: Buffer): Promise<string> {
  files.set(name, body);
  return md5(body);
}

/** Nothing under root that looks like a dataset: no eurosat/, no staging folder, no half-written file. */
function expectNoDataset(root: string): void {
  const entries = existsSync(root) ? readdirSync(root) : [];
  expect(entries.filter((e) => e !== ".vlmopt-downloads")).toEqual([]);
  const downloads = join(root, ".vlmopt-downloads");
  if (existsSync(downloads)) expect(readdirSync(downloads).filter((f) => !f.endsWith(".part"))).toEqual([]);
}

async function failure(p: Promise<unknown>): Promise<DatasetDownloadError> {
  try {
    await p;
  } catch (error) {
    if (DatasetDownloadError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a DatasetDownloadError");
}

beforeAll(async () => {
  server = await startFileServer(files);
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

describe("downloadDataset against a local stand-in host", () => {
  it("downloads, verifies, unpacks into place, ends with datasets check; a rerun fetches nothing", async () => {
    const sum = await serve("EuroSAT.zip", await makeZip(datasetEntries));
    const root = freshRoot();
    const steps: string[] = [];
    const progress: { received: number; total: number | null }[] = [];
    const catalog = planOf({ name: "EuroSAT.zip", md5: sum });
    const report = await downloadDataset("eurosat", {
      root,
      catalog,
      onStep: (s) => steps.push(s),
      onProgress: (p) => progress.push({ received: p.received, total: p.total }),
      check: { images: "full" },
    });
    expect(report.status).toBe("downloaded");
    expect(report.check?.ok).toBe(true);
    expect(report.check?.counts).toMatchObject({
      classes: 10,
      train: 30,
      val: 30,
      test: 300,
      imagesChecked: 360,
    });
    expect(readdirSync(root)).toEqual(["eurosat"]);
    expect(readdirSync(join(root, "eurosat")).sort()).toEqual(["2750", "split_zhou_EuroSAT.json"]);
    const size = files.get("EuroSAT.zip")?.length;
    expect(progress.at(-1)).toEqual({ received: size, total: size });
    expect(steps.some((s) => s.startsWith("checking eurosat"))).toBe(true);
    const ds = await loadDataset("eurosat", { root });
    expect(ds.splits.test).toHaveLength(300);

    const gets = server.requests.filter((r) => r.method === "GET").length;
    const again = await downloadDataset("eurosat", { root, catalog });
    expect(again.status).toBe("present");
    expect(server.requests.filter((r) => r.method === "GET").length).toBe(gets);
  });

  it("--dry-run lists each file with its size (HEAD) and checksum, and writes nothing", async () => {
    const sum = await serve("EuroSAT.zip", await makeZip(datasetEntries));
    const root = freshRoot();
    const report = await downloadDataset("eurosat", {
      root,
      dryRun: true,
      catalog: planOf({ name: "EuroSAT.zip", md5: sum, checksumSource: "test" }),
    });
    expect(report.status).toBe("dry-run");
    expect(report.files).toEqual([
      {
        name: "EuroSAT.zip",
        url: `${server.baseURL}/EuroSAT.zip`,
        size: files.get("EuroSAT.zip")?.length,
        sizeSource: "server",
        checksum: `md5:${sum}`,
        checksumSource: "test",
      },
    ]);
    expect(existsSync(root)).toBe(false);
  });

  it("a checksum mismatch is one error; the bad file is deleted and nothing looks valid", async () => {
    await serve("EuroSAT.zip", await makeZip(datasetEntries));
    const root = freshRoot();
    const error = await failure(
      downloadDataset("eurosat", { root, catalog: planOf({ name: "EuroSAT.zip", md5: "0".repeat(32) }) }),
    );
    expect(error.message).toMatch(/md5 mismatch \(expected 0{32}, got [0-9a-f]{32}\)/);
    expect(error.isRetryable).toBe(false);
    expectNoDataset(root);
    expect(existsSync(join(root, ".vlmopt-downloads", "EuroSAT.zip.part"))).toBe(false);
  });

  it("a corrupt zip and a corrupt tar.gz are one error each, and leave nothing that looks valid", async () => {
    const zip = await makeZip(datasetEntries);
    for (const [name, body] of [
      ["EuroSAT.zip", zip.subarray(0, zip.length - 200)],
      [
        "EuroSAT.tar.gz",
        Buffer.concat([(await makeTar(datasetEntries)).subarray(0, 5000), Buffer.alloc(64, 7)]),
      ],
    ] as const) {
      const sum = await serve(name, body);
      const root = freshRoot();
      const error = await failure(downloadDataset("eurosat", { root, catalog: planOf({ name, md5: sum }) }));
      expect(error.message).toMatch(
        new RegExp(`${name.replace(".", "\\.")} is not a valid (zip|tar\\.gz) archive`),
      );
      expectNoDataset(root);
      // The corrupt archive passed its checksum here, so it is deleted: a rerun downloads it again.
      expect(readdirSync(join(root, ".vlmopt-downloads"))).toEqual([]);
    }
  });

  it("a cut connection is one retryable error; running again resumes with a Range request", async () => {
    const body = await makeZip(datasetEntries);
    const sum = await serve("EuroSAT.zip", body);
    const root = freshRoot();
    const catalog = planOf({ name: "EuroSAT.zip", md5: sum });
    server.cutOnce("EuroSAT.zip", 100_000);
    const error = await failure(downloadDataset("eurosat", { root, catalog, maxAttempts: 1 }));
    expect(error.message).toMatch(/Download of .*EuroSAT\.zip failed after 1 attempt: /);
    expect(error.hint).toMatch(/resumes from the 100000 bytes kept/);
    expect(error.isRetryable).toBe(true);
    expectNoDataset(root);
    const part = join(root, ".vlmopt-downloads", "EuroSAT.zip.part");
    expect(statSync(part).size).toBe(100_000);

    const before = server.requests.length;
    const report = await downloadDataset("eurosat", { root, catalog, check: { images: "exists" } });
    expect(report.check?.ok).toBe(true);
    const gets = server.requests.slice(before).filter((r) => r.method === "GET");
    expect(gets).toEqual([{ method: "GET", path: "EuroSAT.zip", range: "bytes=100000-" }]);
  });

  it("too little disk space (simulated) stops before anything is downloaded or written", async () => {
    const sum = await serve("EuroSAT.zip", await makeZip(datasetEntries));
    const root = freshRoot();
    const before = server.requests.length;
    const error = await failure(
      downloadDataset("eurosat", {
        root,
        catalog: planOf({ name: "EuroSAT.zip", md5: sum }),
        freeBytes: async () => 10_000,
      }),
    );
    expect(error.message).toMatch(
      /^Not enough free disk space in .*: the download needs about .* and 0\.000 GB is free/,
    );
    expect(existsSync(root)).toBe(false);
    expect(server.requests.slice(before).filter((r) => r.method === "GET")).toEqual([]);
  });

  describe("unsafe archives are refused with one error naming the entry, and nothing is installed", () => {
    const cases: [string, () => Promise<Buffer>, RegExp][] = [
      [
        "evil.tar.gz",
        () => makeTar([...images.slice(0, 3), { name: "../evil.txt", data: "x" }]),
        /unsafe archive entry "\.\.\/evil\.txt": a '\.\.' segment/,
      ],
      [
        "evil2.tar.gz",
        () => makeTar([{ name: "2750/../../evil.txt", data: "x" }]),
        /unsafe archive entry "2750\/\.\.\/\.\.\/evil\.txt"/,
      ],
      [
        "abs.tar.gz",
        () => makeTar([{ name: "/tmp/evil.txt", data: "x" }]),
        /unsafe archive entry "\/tmp\/evil\.txt": absolute path/,
      ],
      [
        "link.tar.gz",
        () => makeTar([{ name: "2750/out", type: "symlink", linkname: "../../../outside" }]),
        /unsafe archive entry "2750\/out": symlink to \.\.\/\.\.\/\.\.\/outside, outside the target folder/,
      ],
      [
        "hard.tar.gz",
        () => makeTar([{ name: "2750/hard", type: "link", linkname: "../etc/passwd" }]),
        /unsafe archive entry "\.\.\/etc\/passwd"/,
      ],
      [
        "evil.zip",
        () =>
          makeZip([...images.slice(0, 3), { name: "xx/evil.txt", data: "x" }], {
            from: "xx/evil",
            to: "../evil",
          }),
        /unsafe archive entry "\.\.\/evil\.txt"/,
      ],
      [
        "link.zip",
        () => makeZip([{ name: "2750/out", type: "symlink", linkname: "/etc" }]),
        /unsafe archive entry "2750\/out": symlink to the absolute path \/etc/,
      ],
    ];
    for (const [name, make, pattern] of cases) {
      it(name, async () => {
        const sum = await serve(name, await make());
        const root = freshRoot();
        const error = await failure(
          downloadDataset("eurosat", { root, catalog: planOf({ name, md5: sum }) }),
        );
        expect(error.message).toMatch(pattern);
        expectNoDataset(root);
        expect(existsSync(join(root, "evil.txt"))).toBe(false);
        expect(existsSync(join(root, "..", "evil.txt"))).toBe(false);
      });
    }
  });

  it("an existing folder that fails the check is kept unless --force, which replaces it", async () => {
    const sum = await serve("EuroSAT.zip", await makeZip(datasetEntries));
    const root = freshRoot();
    mkdirSync(join(root, "eurosat", "2750"), { recursive: true });
    writeFileSync(join(root, "eurosat", "split_zhou_EuroSAT.json"), "{");
    const catalog = planOf({ name: "EuroSAT.zip", md5: sum });
    const error = await failure(downloadDataset("eurosat", { root, catalog }));
    expect(error.message).toMatch(/eurosat already exists but is not a complete eurosat dataset/);
    expect(error.hint).toMatch(/--force/);
    const report = await downloadDataset("eurosat", {
      root,
      catalog,
      force: true,
      check: { images: "exists" },
    });
    expect(report.check?.ok).toBe(true);
    expect(readdirSync(root)).toEqual(["eurosat"]);
  });

  it("HTTP 404 is one error that says what to do", async () => {
    const root = freshRoot();
    const error = await failure(
      downloadDataset("eurosat", { root, catalog: planOf({ name: "missing.zip", md5: "0".repeat(32) }) }),
    );
    expect(error.message).toMatch(/GET .*missing\.zip answered HTTP 404/);
    expect(error.hint).toMatch(/--mirror/);
    expectNoDataset(root);
  });
});

describe("downloadDataset: CoOp's split files and few-shot lists come from --splits", () => {
  // EuroSAT.zip as published: images only (2750/<Class>/...), no CoOp split file.
  const withSplitFile = (catalog: DatasetPlan[]): DatasetPlan[] =>
    catalog.map((p) => ({ ...p, splitFile: "split_zhou_EuroSAT.json", fewshotLists: true }));

  it("without --splits, the images are unpacked and the check names the split file, where to get it and where to put it", async () => {
    const sum = await serve("EuroSAT-images.zip", await makeZip(images));
    const root = freshRoot();
    const catalog = withSplitFile(planOf({ name: "EuroSAT-images.zip", md5: sum }));
    const report = await downloadDataset("eurosat", { root, catalog });
    expect(report.status).toBe("downloaded");
    expect(readdirSync(join(root, "eurosat"))).toEqual(["2750"]);
    expect(readdirSync(join(root, "eurosat", "2750")).sort()).toHaveLength(10);
    expect(report.splits).toMatchObject({ from: null, splitFileMissing: true, splitFilePath: null });
    expect(report.check?.ok).toBe(false);
    expect(report.check?.problems).toHaveLength(1);
    const problem = report.check?.problems[0];
    expect(problem?.code).toBe("split-file-missing");
    expect(problem?.message).toContain(`images are in ${join(root, "eurosat", "2750")}`);
    expect(problem?.message).toContain("split_zhou_EuroSAT.json is not in");
    expect(problem?.fix).toContain(`${COOP_DATASETS_MD}#eurosat`);
    expect(problem?.fix).toContain("https://drive.google.com/file/d/1Ip7yaCWFi0eaOFUGga0lUdVi_DDQth1o/");
    expect(problem?.fix).toContain(`put it at ${join(root, "eurosat", "split_zhou_EuroSAT.json")}`);
    expect(problem?.fix).toContain("--splits <dir>");

    // `datasets check` on its own reports the same problem (no crash, no "not found").
    const check = await checkDataset("eurosat", root);
    expect(check.problems.map((p) => [p.code, p.fix])).toEqual([["split-file-missing", problem?.fix]]);

    // Running again with --splits adds the file to the folder already there: nothing is fetched.
    const splits = mkdtempSync(join(work, "splits-"));
    writeFileSync(join(splits, "split_zhou_EuroSAT.json"), split);
    const gets = server.requests.filter((r) => r.method === "GET").length;
    const again = await downloadDataset("eurosat", { root, catalog, splitsDir: splits });
    expect(server.requests.filter((r) => r.method === "GET").length).toBe(gets);
    expect(again.status).toBe("present");
    expect(again.check?.ok).toBe(true);
    expect(again.splits.splitFilePath).toBe(join(root, "eurosat", "split_zhou_EuroSAT.json"));
    // No fewshot/eurosat.json.gz in that folder: said, not an error.
    expect(again.splits.fewshot).toBeNull();
    expect(again.splits.fewshotNote).toContain(
      `${join(splits, "fewshot", "eurosat.json.gz")} does not exist`,
    );
  });

  it("--splits that does not exist is one ConfigError before anything is fetched or written", async () => {
    const root = freshRoot();
    const catalog = withSplitFile(planOf({ name: "EuroSAT-images.zip", md5: "0".repeat(32) }));
    const gets = server.requests.length;
    await expect(
      downloadDataset("eurosat", { root, catalog, splitsDir: join(work, "no-such-splits") }),
    ).rejects.toSatisfy(
      (e) =>
        ConfigError.isInstance(e) &&
        (e as Error).message.includes(`${join(work, "no-such-splits")} does not exist`) &&
        /coop_splits/.test((e as ConfigError).hint ?? ""),
    );
    expect(server.requests.length).toBe(gets);
    expect(existsSync(root)).toBe(false);
  });

  it.skipIf(!HAS_SHARED)(
    "--splits ../shared/datasets/coop_splits adds CoOp's split file and few-shot lists, as they are there",
    async () => {
      const shared = join(DATASETS_ROOT, "coop_splits");
      const sum = await serve("EuroSAT-images.zip", await makeZip(images));
      const root = freshRoot();
      const catalog = withSplitFile(planOf({ name: "EuroSAT-images.zip", md5: sum }));
      const dry = await downloadDataset("eurosat", { root, catalog, splitsDir: shared, dryRun: true });
      expect(dry.splits).toMatchObject({
        splitFilePath: join(shared, "split_zhou_EuroSAT.json.gz"),
        splitFileMissing: false,
        fewshot: join(shared, "fewshot", "eurosat.json.gz"),
      });
      expect(existsSync(root)).toBe(false);

      // The images here are the demo's subset, so the check reads the split but not every image.
      const report = await downloadDataset("eurosat", {
        root,
        catalog,
        splitsDir: shared,
        check: { images: "none" },
      });
      const dir = join(root, "eurosat");
      expect(report.splits.splitFilePath).toBe(join(dir, "split_zhou_EuroSAT.json.gz"));
      expect(
        readFileSync(join(dir, "split_zhou_EuroSAT.json.gz")).equals(
          readFileSync(join(shared, "split_zhou_EuroSAT.json.gz")),
        ),
      ).toBe(true);
      expect(report.splits.fewshot).toBe(join(dir, "split_fewshot"));
      expect(readdirSync(join(dir, "split_fewshot"))).toContain("shot_1-seed_1.json");
      expect(report.check?.counts).toMatchObject({ classes: 10, train: 13_500, val: 5400, test: 8100 });
      // Each list is CoOp's sample as it is in the collection, one file per shot_K-seed_S.
      const collection = JSON.parse(
        gunzipSync(readFileSync(join(shared, "fewshot", "eurosat.json.gz"))).toString("utf8"),
      ) as Record<string, unknown>;
      expect(readdirSync(join(dir, "split_fewshot")).sort()).toEqual(
        Object.keys(collection)
          .map((k) => `${k}.json`)
          .sort(),
      );
      expect(JSON.parse(readFileSync(join(dir, "split_fewshot", "shot_1-seed_1.json"), "utf8"))).toEqual(
        collection["shot_1-seed_1"],
      );
    },
  );
});

describe("downloadDataset: datasets vlmopt cannot fetch, and bad names", () => {
  it("imagenet explains its terms and how to arrange a folder; with the folder there, it checks it", async () => {
    const root = freshRoot();
    const report = await downloadDataset("imagenet", { root });
    expect(report.status).toBe("manual");
    expect(report.terms).toMatch(/non-commercial/);
    expect(report.steps.join("\n")).toContain(`${root}/imagenet/images/val/<wnid>`);
    expect(report.check).toBeNull();
    expect(existsSync(root)).toBe(false);
    mkdirSync(join(root, "imagenet", "images", "val"), { recursive: true });
    const checked = await downloadDataset("imagenet", { root });
    expect(checked.check?.ok).toBe(false);
    expect(checked.check?.problems.map((p) => p.code)).toContain("wnid-folder-missing");
  });

  it("the demo and unknown names are ConfigErrors", async () => {
    await expect(downloadDataset("demo", { root: work })).rejects.toSatisfy(
      (e) => ConfigError.isInstance(e) && /ships with vlmopt/.test((e as Error).message),
    );
    await expect(downloadDataset("mnist", { root: work })).rejects.toSatisfy((e) =>
      ConfigError.isInstance(e),
    );
  });
});
