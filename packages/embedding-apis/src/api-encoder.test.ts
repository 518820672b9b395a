import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BudgetExceededError,
  ConfigError,
  MemoryEmbeddingCache,
  ProviderApiError,
  SpendLedger,
} from "@vlmopt/core";
import { tinyPng } from "@vlmopt/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clipEncoderContract } from "../../clip-embedding/src/clip-encoder-contract.js";
import { createEmbeddingApiEncoder, type EmbeddingApiOptions } from "./create-encoder.js";
import { type EmbeddingStandIn, type StandInProtocol, startEmbeddingStandIn } from "./testing/index.js";

const KEY = "test-key-9f8e7d6c5b4a";
const VERTEX_ENV = {
  VERTEX_ACCESS_TOKEN: KEY,
  GOOGLE_CLOUD_PROJECT: "stand-in-project",
  GOOGLE_CLOUD_LOCATION: "europe-west4",
};
const AWS_ENV = { AWS_ACCESS_KEY_ID: "AKIASTANDIN0000", AWS_SECRET_ACCESS_KEY: KEY, AWS_REGION: "us-east-1" };
const images = async () => [tinyPng(10, 8), tinyPng(120, 8), tinyPng(240, 8)];
const firstImage = (body: unknown): string =>
  (body as { input?: { image?: string }[] } | undefined)?.input?.[0]?.image ?? "";
const fastRetry = { baseDelayMs: 1, maxDelayMs: 5, sleep: async () => {} };

const cases: {
  protocol: StandInProtocol;
  spec: (url: string) => string;
  env: Record<string, string>;
  /** The model's fixed output size, where the spec cannot ask for 24. */
  dim?: number;
}[] = [
  { protocol: "jina", spec: () => "jina:jina-clip-v2?dimensions=24", env: { JINA_API_KEY: KEY } },
  { protocol: "cohere", spec: () => "cohere:embed-v4.0?dimensions=24", env: { CO_API_KEY: KEY } },
  { protocol: "voyage", spec: () => "voyage:voyage-multimodal-3", env: { VOYAGE_API_KEY: KEY }, dim: 1024 },
  {
    protocol: "nomic",
    spec: () => "nomic:nomic-embed-vision-v1.5+nomic-embed-text-v1.5",
    env: { NOMIC_API_KEY: KEY },
    dim: 768,
  },
  {
    protocol: "bedrock",
    spec: () => "bedrock:amazon.titan-embed-image-v1?dimensions=256",
    env: AWS_ENV,
    dim: 256,
  },
  {
    protocol: "vertex",
    spec: () => "vertex:multimodalembedding@001?dimensions=128",
    env: VERTEX_ENV,
    dim: 128,
  },
  { protocol: "vllm", spec: (u) => `openai-compatible-embed:stand-in-vlm@${u}`, env: {} },
  { protocol: "infinity", spec: (u) => `openai-compatible-embed:stand-in-clip@${u}?api=infinity`, env: {} },
];

for (const c of cases) {
  describe(`embedding API over the ${c.protocol} stand-in`, () => {
    let server: EmbeddingStandIn;
    beforeAll(async () => {
      server = await startEmbeddingStandIn({ protocol: c.protocol, dim: 24 });
    });
    afterAll(async () => server.close());
    const make = (extra: EmbeddingApiOptions = {}) =>
      createEmbeddingApiEncoder(c.spec(server.baseURL), {
        env: c.env,
        baseURL: server.baseURL,
        retry: fastRetry,
        ...extra,
      });

    clipEncoderContract({ name: `${c.protocol} stand-in`, makeEncoder: () => make(), images });

    it("names the API model and labels the stand-in as meaningless", async () => {
      const e = await make();
      expect(e.id).toBe(c.spec(server.baseURL));
      expect(e.dim).toBe(c.dim ?? 24);
      expect(e.warning).toMatch(/stand-in server at http:\/\/127\.0\.0\.1:\d+.*meaningless/);
    });

    it("never sends an image or text twice with a cache (counted at the server)", async () => {
      const cache = new MemoryEmbeddingCache();
      const e1 = await make({ cache });
      server.resetCounts();
      const a = await e1.embedImages(await images());
      await e1.embedTexts(["a photo of a river.", "a photo of a forest."]);
      expect(server.counts.images).toBe(3);
      server.resetCounts();
      const e2 = await make({ cache });
      const b = await e2.embedImages(await images());
      await e2.embedTexts(["a photo of a river.", "a photo of a forest."]);
      expect(server.counts.requests).toBe(0);
      expect(Array.from(b.data)).toEqual(Array.from(a.data));
      expect(e2.ledger.embedding.cachedImages).toBe(3);
    });

    it("retries 429 (Retry-After) and 5xx, visibly", async () => {
      const retries: string[] = [];
      const e = await make({ onRetry: (r) => retries.push(`${r.reason} ${r.retry}/${r.maxRetries}`) });
      server.fail({ kind: "status", status: 429, retryAfter: "0" }, { kind: "status", status: 503 });
      const out = await e.embedTexts(["retried text"]);
      expect(out.count).toBe(1);
      expect(retries).toEqual(["HTTP 429 1/4", "HTTP 503 2/4"]);
    });

    it("retries a timeout", async () => {
      const retries: string[] = [];
      const e = await make({ timeoutMs: 150, onRetry: (r) => retries.push(r.reason) });
      server.fail({ kind: "hang", ms: 600 });
      await e.embedTexts(["slow text"]);
      expect(retries[0]).toMatch(/timed out/);
    });

    it("a malformed body is a clear error, not retried", async () => {
      const e = await make();
      server.fail({ kind: "malformed" });
      const before = server.requests.length;
      const err = await e.embedTexts(["malformed reply"]).catch((x: unknown) => x);
      expect(ProviderApiError.isInstance(err)).toBe(true);
      // The Cohere SDK hands a cut-off body on as a value: an unexpected shape, also not retried.
      expect((err as Error).message).toMatch(/not valid JSON|unexpected response shape/);
      expect(server.requests.length).toBe(before + 1);
    });

    it("a wrong-dimension vector is a clear error", async () => {
      const e = await make();
      server.fail({ kind: "wrong-dimension" });
      const d = c.dim ?? 24;
      await expect(e.embedTexts(["wrong size"])).rejects.toThrow(`vector of ${d - 1} values; expected ${d}`);
    });

    it("gives up with the count after maxRetries", async () => {
      const e = await make({ maxRetries: 1 });
      server.fail({ kind: "status", status: 500 }, { kind: "status", status: 500 });
      await expect(e.embedTexts(["always failing"])).rejects.toThrow(/gave up after 2 attempts/);
    });
  });
}

describe("limits, budget and keys", () => {
  let server: EmbeddingStandIn;
  beforeAll(async () => {
    server = await startEmbeddingStandIn({ protocol: "jina", dim: 16, maxBatch: 3 });
  });
  afterAll(async () => server.close());
  const make = (extra: EmbeddingApiOptions = {}) =>
    createEmbeddingApiEncoder("jina:jina-clip-v2?dimensions=16", {
      env: { JINA_API_KEY: KEY },
      baseURL: server.baseURL,
      retry: fastRetry,
      ...extra,
    });

  it("an over-limit batch is the vendor's 400, a clear error that names the limit", async () => {
    const e = await make({ limits: { maxTextBatch: 5 } });
    const err = await e.embedTexts(["a", "b", "c", "d", "e"]).catch((x: unknown) => x);
    expect(ProviderApiError.isInstance(err) && err.status).toBe(400);
    expect((err as Error).message).toMatch(/too many inputs: 5 given, at most 3/);
  });

  it("splits inputs into the vendor's batch size", async () => {
    const e = await make({ limits: { maxTextBatch: 3 } });
    server.resetCounts();
    await e.embedTexts(["t1", "t2", "t3", "t4", "t5", "t6", "t7"]);
    expect(server.counts.requests).toBe(3);
    for (const r of server.requests)
      expect((r.body as { input: unknown[] }).input.length).toBeLessThanOrEqual(3);
  });

  it("sends the key as a Bearer header and the documented body", async () => {
    const e = await make();
    server.resetCounts();
    await e.embedImages([tinyPng(5, 4)]);
    const r = server.requests[0];
    expect(r?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(r?.body).toMatchObject({
      model: "jina-clip-v2",
      dimensions: 16,
      normalized: true,
      embedding_type: "float",
    });
    expect(firstImage(r?.body)).toBe(tinyPng(5, 4).toString("base64"));
  });

  it("a missing key is a ConfigError naming the variable, before any request", async () => {
    server.resetCounts();
    const err = await createEmbeddingApiEncoder("jina:jina-clip-v2", { env: {} }).catch((x: unknown) => x);
    expect(ConfigError.isInstance(err)).toBe(true);
    expect((err as Error).message).toMatch(/JINA_API_KEY is not set/);
    expect(server.counts.requests).toBe(0);
  });

  it("a 401 names the key variable and never shows the key", async () => {
    const e = await make();
    server.fail({ kind: "status", status: 401, body: `bad key ${KEY}` });
    const err = (await e.embedTexts(["x"]).catch((x: unknown) => x)) as ProviderApiError;
    expect(err.hint).toMatch(/JINA_API_KEY/);
    expect(`${err.message} ${err.responseBody}`).not.toContain(KEY);
    expect(err.message).toContain("[redacted]");
  });

  it("a budget-refused request is never sent; the spend counts toward the shared ledger", async () => {
    const price = { perImage: 0.001, perMTokText: 100 };
    const ledger = new SpendLedger(0.0025);
    ledger.llmUsd = 0.0005;
    const e = await make({ price, ledger, limits: { maxImageBatch: 1, concurrency: 1 } });
    server.resetCounts();
    await e.embedImages([tinyPng(1, 4), tinyPng(2, 4)]);
    expect(server.counts.images).toBe(2);
    expect(ledger.embeddingUsd).toBeCloseTo(0.002, 9);
    const err = await e.embedImages([tinyPng(3, 4)]).catch((x: unknown) => x);
    expect(BudgetExceededError.isInstance(err)).toBe(true);
    expect((err as Error).message).toMatch(/could cost up to \$0\.001 on top of \$0\.0025 spent/);
    expect(server.counts.requests).toBe(2);
  });

  it("a USD budget with an unknown price is a ConfigError", async () => {
    await expect(make({ ledger: new SpendLedger(1) })).rejects.toThrow(
      /price of the embedding model .* is unknown/,
    );
  });

  it("resizes an image over the pixel limit before sending it (sharp, JPEG)", async () => {
    const e = await make({ limits: { maxPixels: 16 * 16 } });
    server.resetCounts();
    await e.embedImages([tinyPng(90, 64)]);
    const sent = Buffer.from(firstImage(server.requests[0]?.body), "base64");
    expect(sent[0]).toBe(0xff); // JPEG
    const { default: sharp } = await import("sharp");
    const meta = await sharp(sent).metadata();
    expect((meta.width ?? 0) * (meta.height ?? 0)).toBeLessThanOrEqual(256);
  });

  it("an undecodable image is a DatasetFormatError naming its index", async () => {
    const e = await make({ limits: { maxPixels: 1000 } });
    await expect(e.embedImages([new Uint8Array([1, 2, 3, 4])])).rejects.toThrow(
      /image #0 \(4 bytes\) cannot be decoded/,
    );
  });

  it("never writes the key into the disk cache", async () => {
    const { DiskEmbeddingCache } = await import("../../clip-embedding/src/disk-embedding-cache.js");
    const dir = mkdtempSync(join(tmpdir(), "vlmopt-embed-key-"));
    const cache = new DiskEmbeddingCache({ dir });
    const e = await make({ cache });
    await e.embedImages([tinyPng(77, 4)]);
    await e.embedTexts(["a photo of a key."]);
    await (cache as { close?: () => Promise<void> | void }).close?.();
    for (const f of readdirSync(dir, { recursive: true }) as string[]) {
      const p = join(dir, f);
      if (statSync(p).isFile()) expect(readFileSync(p).includes(Buffer.from(KEY))).toBe(false);
    }
  });
});

describe("cohere over the official SDK", () => {
  let server: EmbeddingStandIn;
  beforeAll(async () => {
    server = await startEmbeddingStandIn({ protocol: "cohere" });
  });
  afterAll(async () => server.close());

  it("sends the documented v2/embed body: input_type, float embeddings, images as data URIs", async () => {
    const e = await createEmbeddingApiEncoder("cohere:embed-v4.0?dimensions=256", {
      env: { CO_API_KEY: KEY },
      baseURL: server.baseURL,
    });
    await e.embedImages([tinyPng(9, 4)]);
    await e.embedTexts(["a photo of a lake."]);
    const [img, txt] = server.requests;
    expect(img?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(img?.body).toMatchObject({
      model: "embed-v4.0",
      input_type: "image",
      embedding_types: ["float"],
      output_dimension: 256,
      images: [`data:image/png;base64,${tinyPng(9, 4).toString("base64")}`],
    });
    expect(txt?.body).toMatchObject({ input_type: "search_query", texts: ["a photo of a lake."] });
    expect(e.dim).toBe(256);
  });

  it("an embed v3 model sends one image per request", async () => {
    const e = await createEmbeddingApiEncoder("cohere:embed-english-v3.0", {
      env: { CO_API_KEY: KEY },
      baseURL: server.baseURL,
    });
    server.resetCounts();
    await e.embedImages([tinyPng(1, 4), tinyPng(2, 4), tinyPng(3, 4)]);
    expect(server.counts.imageRequests).toBe(3);
  });
});

describe("voyage over the official SDK", () => {
  let server: EmbeddingStandIn;
  beforeAll(async () => {
    server = await startEmbeddingStandIn({ protocol: "voyage" });
  });
  afterAll(async () => server.close());

  it("sends the documented multimodalembeddings body: content pieces, images as data URLs", async () => {
    const e = await createEmbeddingApiEncoder("voyage:voyage-multimodal-3", {
      env: { VOYAGE_API_KEY: KEY },
      baseURL: server.baseURL,
    });
    await e.embedImages([tinyPng(9, 4)]);
    await e.embedTexts(["a photo of a lake."]);
    const [img, txt] = server.requests;
    expect(img?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(img?.body).toMatchObject({
      model: "voyage-multimodal-3",
      input_type: "document",
      inputs: [
        {
          content: [
            {
              type: "image_base64",
              image_base64: `data:image/png;base64,${tinyPng(9, 4).toString("base64")}`,
            },
          ],
        },
      ],
    });
    expect(txt?.body).toMatchObject({
      input_type: "query",
      inputs: [{ content: [{ type: "text", text: "a photo of a lake." }] }],
    });
  });
});

describe("nomic over its text and image endpoints", () => {
  let server: EmbeddingStandIn;
  beforeAll(async () => {
    server = await startEmbeddingStandIn({ protocol: "nomic", maxBatch: 3 });
  });
  afterAll(async () => server.close());
  const make = (extra: EmbeddingApiOptions = {}) =>
    createEmbeddingApiEncoder("nomic:nomic-embed-vision-v1.5+nomic-embed-text-v1.5", {
      env: { NOMIC_API_KEY: KEY },
      baseURL: server.baseURL,
      retry: fastRetry,
      ...extra,
    });

  it("sends images as multipart files to the vision model, texts as JSON to the text model", async () => {
    const e = await make();
    server.resetCounts();
    await e.embedImages([tinyPng(9, 4), tinyPng(10, 4)]);
    await e.embedTexts(["a photo of a lake."]);
    const [img, txt] = server.requests;
    expect(img?.path).toBe("/v1/embedding/image");
    expect(img?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(String(img?.headers["content-type"])).toMatch(/^multipart\/form-data; boundary=/);
    expect(img?.body).toEqual({
      model: "nomic-embed-vision-v1.5",
      images: [tinyPng(9, 4).toString("base64"), tinyPng(10, 4).toString("base64")],
    });
    expect(txt?.path).toBe("/v1/embedding/text");
    expect(txt?.body).toMatchObject({
      model: "nomic-embed-text-v1.5",
      task_type: "search_query",
      texts: ["a photo of a lake."],
    });
  });

  it("an over-limit batch is the vendor's 400, a clear error that names the limit", async () => {
    const e = await make({ limits: { maxImageBatch: 4 } });
    const err = await e
      .embedImages([tinyPng(1, 4), tinyPng(2, 4), tinyPng(3, 4), tinyPng(4, 4)])
      .catch((x: unknown) => x);
    expect(ProviderApiError.isInstance(err) && err.status).toBe(400);
    expect((err as Error).message).toMatch(/too many inputs: 4 given, at most 3/);
  });

  it("a spec without both models, or with ?dimensions=, is a ConfigError", async () => {
    await expect(make()).resolves.toBeDefined();
    for (const spec of ["nomic:nomic-embed-vision-v1.5", "nomic:+nomic-embed-text-v1.5"]) {
      await expect(createEmbeddingApiEncoder(spec, { env: { NOMIC_API_KEY: KEY } })).rejects.toThrow(
        /vision or text model is missing/,
      );
    }
    await expect(
      createEmbeddingApiEncoder("nomic:nomic-embed-vision-v1.5+nomic-embed-text-v1.5?dimensions=256", {
        env: { NOMIC_API_KEY: KEY },
      }),
    ).rejects.toThrow(ConfigError);
  });
});

describe("bedrock over the official AWS SDK (HTTP/2)", () => {
  let server: EmbeddingStandIn;
  beforeAll(async () => {
    server = await startEmbeddingStandIn({ protocol: "bedrock" });
  });
  afterAll(async () => server.close());
  const make = (spec = "bedrock:amazon.titan-embed-image-v1", extra: EmbeddingApiOptions = {}) =>
    createEmbeddingApiEncoder(spec, { env: AWS_ENV, baseURL: server.baseURL, retry: fastRetry, ...extra });

  it("sends one InvokeModel per input: inputImage as base64, inputText, embeddingConfig; SigV4-signed", async () => {
    const e = await make("bedrock:amazon.titan-embed-image-v1?dimensions=384");
    server.resetCounts();
    await e.embedImages([tinyPng(9, 4), tinyPng(10, 4)]);
    await e.embedTexts(["a photo of a lake."]);
    expect(server.counts.imageRequests).toBe(2);
    const [img, , txt] = server.requests;
    expect(img?.path).toBe("/model/amazon.titan-embed-image-v1/invoke");
    expect(img?.httpVersion).toBe("2.0");
    expect(String(img?.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIASTANDIN0000\//);
    expect(img?.body).toEqual({
      inputImage: tinyPng(9, 4).toString("base64"),
      embeddingConfig: { outputEmbeddingLength: 384 },
    });
    expect(txt?.body).toEqual({
      inputText: "a photo of a lake.",
      embeddingConfig: { outputEmbeddingLength: 384 },
    });
    expect(e.dim).toBe(384);
  });

  it("the default output size is 1024, with no embeddingConfig sent", async () => {
    const e = await make();
    server.resetCounts();
    const out = await e.embedTexts(["a river."]);
    expect(out.dim).toBe(1024);
    expect(server.requests[0]?.body).toEqual({ inputText: "a river." });
  });

  it("an output size Titan does not offer is a ConfigError before any request", async () => {
    server.resetCounts();
    await expect(make("bedrock:amazon.titan-embed-image-v1?dimensions=512")).rejects.toThrow(
      /256, 384 or 1024/,
    );
    expect(server.counts.requests).toBe(0);
  });

  it("a rejected request (ValidationException) is a clear, non-retried error", async () => {
    const e = await make();
    server.fail({
      kind: "status",
      status: 400,
      body: JSON.stringify({ message: "Malformed input request" }),
    });
    const before = server.requests.length;
    const err = await e.embedTexts(["rejected"]).catch((x: unknown) => x);
    expect(ProviderApiError.isInstance(err) && err.status).toBe(400);
    expect((err as Error).message).toMatch(/HTTP 400, ValidationException\): Malformed input request/);
    expect(server.requests.length).toBe(before + 1);
  });

  it("a 403 names the credentials and never shows the secret key", async () => {
    const e = await make();
    server.fail({
      kind: "status",
      status: 403,
      body: JSON.stringify({ message: `bad signature for ${KEY}` }),
    });
    const err = await e.embedTexts(["denied"]).catch((x: unknown) => x);
    expect((err as ProviderApiError).hint).toMatch(/AWS credentials/);
    expect(JSON.stringify({ m: (err as Error).message, h: (err as ProviderApiError).hint })).not.toContain(
      KEY,
    );
  });
});

describe("vertex over :predict", () => {
  let server: EmbeddingStandIn;
  beforeAll(async () => {
    server = await startEmbeddingStandIn({ protocol: "vertex" });
  });
  afterAll(async () => server.close());
  const make = (spec = "vertex:multimodalembedding@001", extra: EmbeddingApiOptions = {}) =>
    createEmbeddingApiEncoder(spec, { env: VERTEX_ENV, baseURL: server.baseURL, retry: fastRetry, ...extra });

  it("sends one instance per request to the project's :predict, with parameters.dimension and the token", async () => {
    const e = await make("vertex:multimodalembedding@001?dimensions=256");
    server.resetCounts();
    await e.embedImages([tinyPng(9, 4)]);
    await e.embedTexts(["a photo of a lake.", "a photo of a sea."]);
    expect(server.counts.requests).toBe(3);
    const [img, txt] = server.requests;
    expect(img?.path).toBe(
      "/v1/projects/stand-in-project/locations/europe-west4/publishers/google/models/multimodalembedding@001:predict",
    );
    expect(img?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(img?.body).toEqual({
      instances: [{ image: { bytesBase64Encoded: tinyPng(9, 4).toString("base64"), mimeType: "image/png" } }],
      parameters: { dimension: 256 },
    });
    expect(txt?.body).toEqual({
      instances: [{ text: "a photo of a lake." }],
      parameters: { dimension: 256 },
    });
    expect(e.dim).toBe(256);
  });

  it("the default output size is 1408, with no parameters sent", async () => {
    const e = await make();
    server.resetCounts();
    const out = await e.embedTexts(["a river."]);
    expect(out.dim).toBe(1408);
    expect(server.requests[0]?.body).toEqual({ instances: [{ text: "a river." }] });
  });

  it("a rejected request (400) is a clear, non-retried error that never shows the token", async () => {
    const e = await make();
    server.fail({
      kind: "status",
      status: 400,
      body: JSON.stringify({ error: { message: `bad token ${KEY}` } }),
    });
    const before = server.requests.length;
    const err = await e.embedTexts(["rejected"]).catch((x: unknown) => x);
    expect(ProviderApiError.isInstance(err) && err.status).toBe(400);
    expect((err as Error).message).not.toContain(KEY);
    expect(server.requests.length).toBe(before + 1);
  });
});
