import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DatasetPlan, DEMO_DIR } from "@vlmopt/dataset-loaders";
import { createRegistry } from "@vlmopt/registry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "./io.js";
import { run } from "./main.js";

// A stand-in host on 127.0.0.1 serving EuroSAT.tar.gz, generated with the system `tar` from the
// demo's real EuroSAT images in EuroSAT's layout (2750/<Class>/<file>.jpg) plus a CoOp split file.
const work = mkdtempSync(join(tmpdir(), "vlmopt-cli-download-"));
const src = join(work, "src");
mkdirSync(join(src, "2750"), { recursive: true });
cpSync(join(DEMO_DIR, "images"), join(src, "2750"), { recursive: true });
cpSync(join(DEMO_DIR, "split.json"), join(src, "split_zhou_EuroSAT.json"));
execFileSync("tar", ["-czf", join(work, "EuroSAT.tar.gz"), "-C", src, "2750", "split_zhou_EuroSAT.json"]);
const archive = readFileSync(join(work, "EuroSAT.tar.gz"));
const md5 = createHash("md5").update(archive).digest("hex");
// As EuroSAT.zip is published: images only, no CoOp split file.
execFileSync("tar", ["-czf", join(work, "EuroSAT-images.tar.gz"), "-C", src, "2750"]);
const imagesOnly = readFileSync(join(work, "EuroSAT-images.tar.gz"));
const served = new Map([
  ["/EuroSAT.tar.gz", archive],
  ["/EuroSAT-images.tar.gz", imagesOnly],
]);

let server: Server;
let base = "";
beforeAll(async () => {
  server = createServer((req, res) => {
    const body = served.get(req.url ?? "");
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { "content-length": body.length });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
  rmSync(work, { recursive: true, force: true });
});

const catalog = (sum: string): DatasetPlan[] => [
  {
    kind: "download",
    name: "eurosat",
    datasetDir: "eurosat",
    files: [
      {
        name: "EuroSAT.tar.gz",
        url: `${base}/EuroSAT.tar.gz`,
        md5: sum,
        checksumSource: "generated for this test",
        extract: { format: "tar.gz", strip: "", into: "" },
      },
    ],
    splitFile: null,
    fewshotLists: false,
    terms: "EuroSAT (Helber et al.), MIT license.",
  },
];

/** The real registry, its downloadDataset given the test's catalog (archives generated above). */
function registryWith(sum: string) {
  const real = createRegistry();
  return createRegistry({
    overrides: {
      downloadDataset: (name, options) => real.downloadDataset(name, { ...options, catalog: catalog(sum) }),
    },
  });
}

describe("vlmopt datasets download", () => {
  it("downloads with a progress line, unpacks, checks, and prints where it went", async () => {
    const cwd = mkdtempSync(join(work, "ok-"));
    const io = memoryIo({ cwd });
    const code = await run(["datasets", "download", "eurosat", "--root", "data"], io, registryWith(md5));
    expect(io.errText).not.toMatch(/^error/m);
    expect(code).toBe(0);
    expect(io.outText).toContain(`eurosat downloaded to ${join(cwd, "data", "eurosat")}`);
    expect(io.outText).toMatch(/datasets check eurosat: ok \(classes 10, train 30, val 30, test 300/);
    expect(io.errText).toMatch(/^downloading EuroSAT\.tar\.gz from http:\/\/127\.0\.0\.1/m);
    expect(io.errText).toMatch(
      /^EuroSAT\.tar\.gz \[#{24}\] \d+\.\d\/\d+\.\d MB( · [\d.]+ MB\/s)? · ETA 0s$/m,
    );
    expect(io.errText).toMatch(/^unpacking EuroSAT\.tar\.gz$/m);
    expect(readdirSync(join(cwd, "data"))).toEqual(["eurosat"]);

    const again = memoryIo({ cwd });
    expect(
      await run(["datasets", "download", "eurosat", "--root", "data", "--json"], again, registryWith(md5)),
    ).toBe(0);
    expect(JSON.parse(again.outText)).toMatchObject({ status: "present", check: { ok: true } });
    expect(again.errText).toBe("");
  });

  it("--dry-run prints files, sizes and checksums and writes nothing", async () => {
    const cwd = mkdtempSync(join(work, "dry-"));
    const io = memoryIo({ cwd });
    const code = await run(["datasets", "download", "eurosat", "--dry-run"], io, registryWith(md5));
    expect(code).toBe(0);
    expect(io.outText).toContain(`eurosat → ${join(cwd, "data", "eurosat")} (dry run: nothing downloaded)`);
    expect(io.outText).toMatch(
      new RegExp(`EuroSAT\\.tar\\.gz\\s+${(archive.length / 1e6).toFixed(1)} MB\\s+md5:${md5}`),
    );
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("a checksum mismatch is one error line, exit 1, and no dataset folder", async () => {
    const cwd = mkdtempSync(join(work, "bad-"));
    const io = memoryIo({ cwd });
    const code = await run(
      ["datasets", "download", "eurosat", "--root", "data"],
      io,
      registryWith("0".repeat(32)),
    );
    expect(code).toBe(1);
    expect(io.errText).toMatch(
      /^error: http:\/\/127\.0\.0\.1:\d+\/EuroSAT\.tar\.gz: md5 mismatch \(expected 0{32}, got [0-9a-f]{32}\)/m,
    );
    expect(io.errText).not.toMatch(/\n\s+at /);
    expect(existsSync(join(cwd, "data", "eurosat"))).toBe(false);
  });

  it("imagenet explains its terms and how to arrange a folder, and writes nothing", async () => {
    const cwd = mkdtempSync(join(work, "in-"));
    const io = memoryIo({ cwd });
    const code = await run(["datasets", "download", "imagenet", "--root", "data"], io);
    expect(code).toBe(0);
    expect(io.outText).toMatch(/^imagenet cannot be downloaded by vlmopt: .*image-net\.org/);
    expect(io.outText).toContain("non-commercial");
    expect(io.outText).toContain(`${join(cwd, "data")}/imagenet/images/train/<wnid>/*.JPEG`);
    expect(io.outText).toContain(`vlmopt datasets check imagenet --data-root ${join(cwd, "data")}`);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("without --splits, the images are unpacked and the output ends with the split file needed, where to get it and where to put it", async () => {
    const cwd = mkdtempSync(join(work, "nosplits-"));
    const sum = createHash("md5").update(imagesOnly).digest("hex");
    const plans: DatasetPlan[] = [
      {
        kind: "download",
        name: "eurosat",
        datasetDir: "eurosat",
        files: [
          {
            name: "EuroSAT-images.tar.gz",
            url: `${base}/EuroSAT-images.tar.gz`,
            md5: sum,
            extract: { format: "tar.gz", strip: "", into: "" },
          },
        ],
        splitFile: "split_zhou_EuroSAT.json",
        fewshotLists: true,
        terms: "EuroSAT (Helber et al.), MIT license.",
      },
    ];
    const real = createRegistry();
    const registry = createRegistry({
      overrides: {
        downloadDataset: (name, options) => real.downloadDataset(name, { ...options, catalog: plans }),
      },
    });
    const dry = memoryIo({ cwd });
    expect(await run(["datasets", "download", "eurosat", "--dry-run"], dry, registry)).toBe(0);
    expect(dry.outText).toMatch(
      /^split file: CoOp's split_zhou_EuroSAT\.json is not given \(pass --splits <dir>\)/m,
    );

    const io = memoryIo({ cwd });
    const code = await run(["datasets", "download", "eurosat", "--root", "data"], io, registry);
    expect(code).toBe(1);
    const dir = join(cwd, "data", "eurosat");
    expect(readdirSync(dir)).toEqual(["2750"]);
    expect(io.outText).toContain(`eurosat downloaded to ${dir}`);
    // One message, last: the file, where CoOp's DATASETS.md links it, and where to put it.
    const last = io.outText.trimEnd().split("\n").at(-1) ?? "";
    expect(last).toMatch(
      /^error .*split_zhou_EuroSAT\.json: EuroSAT's images are in .*2750, but CoOp's split file split_zhou_EuroSAT\.json is not in/,
    );
    expect(last).toContain(
      "github.com/KaiyangZhou/CoOp/blob/ff61507c790454bce7c5052c3ac39e60772f1f89/DATASETS.md#eurosat",
    );
    expect(last).toContain("https://drive.google.com/file/d/1Ip7yaCWFi0eaOFUGga0lUdVi_DDQth1o/");
    expect(last).toContain(`put it at ${join(dir, "split_zhou_EuroSAT.json")}`);
    expect(io.outText.match(/split_zhou_EuroSAT\.json is not in/g)).toHaveLength(1);
    expect(io.errText).not.toMatch(/^error|\n\s+at /m);

    // `datasets check` reports it as that problem, exit 1, no stack trace.
    const check = memoryIo({ cwd });
    expect(await run(["datasets", "check", "eurosat", "--data-root", "data"], check)).toBe(1);
    expect(`${check.outText}${check.errText}`).toContain(`put it at ${join(dir, "split_zhou_EuroSAT.json")}`);
    expect(check.errText).not.toMatch(/\n\s+at /);

    // VLMOPT_COOP_SPLITS names the folder (here: the split file only): it is added, nothing fetched.
    const splits = mkdtempSync(join(work, "splits-"));
    cpSync(join(DEMO_DIR, "split.json"), join(splits, "split_zhou_EuroSAT.json"));
    const again = memoryIo({ cwd, env: { VLMOPT_COOP_SPLITS: splits } });
    expect(await run(["datasets", "download", "eurosat", "--root", "data"], again, registry)).toBe(0);
    expect(again.outText).toContain(`eurosat is already in ${dir}; nothing downloaded`);
    expect(again.outText).toMatch(/datasets check eurosat: ok \(classes 10, train 30, val 30, test 300/);
    expect(again.outText).toContain(
      `note: CoOp's few-shot lists for eurosat were not added (${join(splits, "fewshot", "eurosat.json.gz")} does not exist)`,
    );
    expect(readdirSync(dir).sort()).toEqual(["2750", "split_zhou_EuroSAT.json"]);

    // --splits wins over the variable, and a folder that is not there is one clear error.
    const bad = memoryIo({ cwd, env: { VLMOPT_COOP_SPLITS: splits } });
    expect(await run(["datasets", "download", "eurosat", "--splits", "nowhere"], bad, registry)).toBe(1);
    expect(bad.errText).toMatch(
      new RegExp(`^error: The splits folder ${join(cwd, "nowhere")} does not exist`, "m"),
    );
  });

  it("an unknown dataset is a clear error", async () => {
    const io = memoryIo({ cwd: work });
    expect(await run(["datasets", "download", "mnist"], io)).toBe(2);
    expect(io.errText).toMatch(/^error: <name> "mnist" is not one of: .*eurosat/);
    expect(io.errText).not.toMatch(/demo/);
  });
});
