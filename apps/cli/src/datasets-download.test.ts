import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DatasetPlan, DEMO_DIR } from "@vlmopt/dataset-loaders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "./io.js";
import { run } from "./main.js";
import { createRegistry } from "./registry.js";

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

let server: Server;
let base = "";
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url !== "/EuroSAT.tar.gz") return void res.writeHead(404).end();
    res.writeHead(200, { "content-length": archive.length });
    res.end(req.method === "HEAD" ? undefined : archive);
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
    downloadDataset: (name, options) => real.downloadDataset(name, { ...options, catalog: catalog(sum) }),
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

  it("an unknown dataset is a clear error", async () => {
    const io = memoryIo({ cwd: work });
    expect(await run(["datasets", "download", "mnist"], io)).toBe(1);
    expect(io.errText).toMatch(/^error: unknown dataset "mnist"/);
  });
});
