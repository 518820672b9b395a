/**
 * Hosted embedding APIs as backbones, the CLI run as a subprocess against the stand-ins of
 * @vlmopt/embedding-apis/testing on 127.0.0.1 (in this process, so requests are counted at the
 * server): an optimize run per protocol on the embedded demo, a second identical run that sends no
 * image, a USD budget that stops before the refused request, --dry-run's estimate, and the key
 * never written anywhere. Needs a build (dist/bin.js), like cli-e2e.test.ts.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type EmbeddingStandIn,
  type StandInProtocol,
  startEmbeddingStandIn,
} from "@vlmopt/embedding-apis/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const cliDir = resolve(here, "..");
const repoRoot = resolve(cliDir, "../..");
const BIN = join(cliDir, "dist/bin.js");
const KEY = "jina_secret_5a4b3c2d1e0f";

const work = mkdtempSync(join(tmpdir(), "vlmopt-embed-e2e-"));
const baseEnv: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: work };

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function vlmopt(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: work, env: { ...baseEnv, ...env }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));
const common = (cache: string) => [
  "--dataset",
  "demo",
  "--shots",
  "1",
  "--seed",
  "1",
  "--llm",
  "simulated",
  "--strategy",
  "hill-climb",
  "--iterations",
  "2",
  "--param",
  "poolSize=4",
  "--test-limit",
  "30",
  "--cache-dir",
  cache,
];

function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((f) => join(dir, f))
    .filter((p) => statSync(p).isFile());
}

const cases: { protocol: StandInProtocol; spec: (url: string) => string; env: Record<string, string> }[] = [
  { protocol: "jina", spec: () => "jina:jina-clip-v2", env: { JINA_API_KEY: KEY } },
  { protocol: "cohere", spec: () => "cohere:embed-v4.0?dimensions=32", env: { CO_API_KEY: KEY } },
  { protocol: "voyage", spec: () => "voyage:voyage-multimodal-3", env: { VOYAGE_API_KEY: KEY } },
  {
    protocol: "nomic",
    spec: () => "nomic:nomic-embed-vision-v1.5+nomic-embed-text-v1.5",
    env: { NOMIC_API_KEY: KEY },
  },
  {
    protocol: "bedrock",
    spec: () => "bedrock:amazon.titan-embed-image-v1?dimensions=256",
    env: { AWS_ACCESS_KEY_ID: "AKIASTANDIN0000", AWS_SECRET_ACCESS_KEY: KEY, AWS_REGION: "us-east-1" },
  },
  {
    protocol: "vertex",
    spec: () => "vertex:multimodalembedding@001?dimensions=128",
    env: { VERTEX_ACCESS_TOKEN: KEY, GOOGLE_CLOUD_PROJECT: "stand-in-project" },
  },
  { protocol: "vllm", spec: (u) => `openai-compatible-embed:stand-in-vlm@${u}`, env: {} },
  {
    protocol: "infinity",
    spec: (u) => `openai-compatible-embed:stand-in-clip@${u}?api=infinity`,
    env: {},
  },
];

beforeAll(() => {
  if (!existsSync(BIN)) {
    execFileSync("npx", ["turbo", "run", "build", "--filter=@vlmopt/cli...", "--output-logs=errors-only"], {
      cwd: repoRoot,
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
      stdio: "inherit",
    });
  }
});

for (const c of cases) {
  describe(`vlmopt optimize --model ${c.protocol} stand-in`, () => {
    let server: EmbeddingStandIn;
    beforeAll(async () => {
      server = await startEmbeddingStandIn({ protocol: c.protocol, dim: 32 });
    });
    afterAll(async () => server.close());

    it("runs end to end, labelled meaningless; a second identical run sends no image", async () => {
      const cache = join(work, `cache-${c.protocol}`);
      const spec = c.spec(server.baseURL);
      const args = (out: string) => [
        "optimize",
        ...common(cache),
        "--model",
        spec,
        "--model-base-url",
        server.baseURL,
        "--run-dir",
        join(work, out),
      ];
      const first = await vlmopt(args(`run-${c.protocol}-1`), c.env);
      expect(first.stderr).not.toMatch(/^error/m);
      expect(first.code).toBe(0);
      expect(server.counts.images).toBe(10 + 10 + 30);
      const dir = join(work, `run-${c.protocol}-1`);
      const manifest = readJson(join(dir, "manifest.json"));
      expect(manifest.model.id).toBe(spec);
      expect(manifest.model.warning).toMatch(/stand-in server at http:\/\/127\.0\.0\.1:\d+.*meaningless/);
      const results = readJson(join(dir, "results.json"));
      expect(results.embeddingUsage.images).toBe(50);
      expect(results.usage.costUsd).toBe(0);
      expect(first.stdout).toMatch(/Embeddings: \d+ API requests \(50 images, \d+ texts sent/);
      const report = readFileSync(join(dir, "report.md"), "utf8");
      expect(report).toContain("stand-in server at http://127.0.0.1");
      expect(report).toMatch(/Embedding cost.*50 images and \d+ texts sent/);

      server.resetCounts();
      const second = await vlmopt(args(`run-${c.protocol}-2`), c.env);
      expect(second.code).toBe(0);
      expect(server.counts.imageRequests).toBe(0);
      expect(server.counts.requests).toBe(0);
      expect(readJson(join(work, `run-${c.protocol}-2`, "results.json")).chosen.templates).toEqual(
        results.chosen.templates,
      );
    });
  });
}

describe("embedding API budget, dry run and keys (jina stand-in)", () => {
  let server: EmbeddingStandIn;
  beforeAll(async () => {
    server = await startEmbeddingStandIn({ protocol: "jina", dim: 16 });
  });
  afterAll(async () => server.close());
  const jina = (cache: string, extra: string[]) => [
    "optimize",
    ...common(cache),
    "--model",
    "jina:jina-clip-v2?dimensions=16",
    "--model-base-url",
    server.baseURL,
    "--model-price-image",
    "0.001",
    "--model-price-text",
    "0",
    "--price-in",
    "0",
    "--price-out",
    "0",
    ...extra,
  ];

  it("stops before the embedding request the USD budget cannot cover, and never sends it", async () => {
    server.resetCounts();
    // train (10 images, $0.010) fits; val's request (10 more, worst case $0.010) would not.
    const r = await vlmopt(
      jina(join(work, "cache-budget"), ["--budget-usd", "0.015", "--run-dir", join(work, "run-budget")]),
      { JINA_API_KEY: KEY },
    );
    expect(r.code).toBe(3);
    expect(server.counts.images).toBe(10);
    expect(server.counts.imageRequests).toBe(1);
    const results = readJson(join(work, "run-budget", "results.json"));
    expect(results.stop).toEqual({ kind: "budget", limit: "maxUsd" });
    expect(results.embeddingUsage.costUsd).toBeCloseTo(0.01, 9);
    expect(results.warnings.join("\n")).toMatch(
      /a request of 10 images to jina:jina-clip-v2 could cost up to \$0\.01/,
    );
  });

  it("--dry-run estimates the embedding cost and sends nothing", async () => {
    server.resetCounts();
    const r = await vlmopt([...jina(join(work, "cache-dry"), ["--dry-run", "--json"])], {
      JINA_API_KEY: KEY,
    });
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const estimate = JSON.parse(r.stdout);
    expect(estimate.embedding.images).toBe(20);
    expect(estimate.embedding.texts).toBeGreaterThan(10);
    expect(estimate.embedding.costUsd).toBeCloseTo(0.02, 9);
    expect(server.counts.requests).toBe(0);
  });

  it("a missing key is a clear error before any request", async () => {
    server.resetCounts();
    const r = await vlmopt(jina(join(work, "cache-nokey"), ["--run-dir", join(work, "run-nokey")]));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: JINA_API_KEY is not set/m);
    expect(server.counts.requests).toBe(0);
  });

  it("never writes the key into the run directory, the cache, stdout or stderr", async () => {
    const cache = join(work, "cache-key");
    const r = await vlmopt(jina(cache, ["--run-dir", join(work, "run-key")]), { JINA_API_KEY: KEY });
    expect(r.code).toBe(0);
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(`${r.stdout}${r.stderr}`).not.toContain(KEY);
    for (const f of [...filesUnder(join(work, "run-key")), ...filesUnder(cache)]) {
      expect(readFileSync(f).includes(Buffer.from(KEY)), f).toBe(false);
    }
  });
});
