import { ConfigError, type LlmImage, type LlmRequest } from "@vlmopt/core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnthropicProvider } from "./anthropic-provider.js";
import { createProvider } from "./create-provider.js";
import { GoogleProvider } from "./google-provider.js";
import { encodeLlmImage, IMAGE_MAX_EDGE, imageTokens, requestImageTokens } from "./llm-images.js";
import { OpenAIProvider } from "./openai-provider.js";
import { replyCacheKey } from "./reply-cache.js";
import { type FakeLlmServer, startFakeLlmServer } from "./testing/fake-llm-server.js";
import { startGeminiStandIn } from "./testing/gemini-stand-in.js";

const png = (w: number, h: number, r: number) =>
  sharp({ create: { width: w, height: h, channels: 3, background: { r, g: 10, b: 200 } } })
    .png()
    .toBuffer();

let big: LlmImage;
let small: LlmImage;
beforeAll(async () => {
  big = await encodeLlmImage(await png(2000, 1000, 1), IMAGE_MAX_EDGE.gemini, "class: Forest");
  small = await encodeLlmImage(await png(64, 64, 2), IMAGE_MAX_EDGE.anthropic, "class: River");
});

describe("encodeLlmImage", () => {
  it("downscales into the vendor's limit (never enlarges), PNG, hashed, labelled", async () => {
    expect([big.width, big.height]).toEqual([384, 192]);
    expect([small.width, small.height]).toEqual([64, 64]);
    expect(big.mediaType).toBe("image/png");
    expect(big.sha256).toMatch(/^[0-9a-f]{64}$/);
    const meta = await sharp(Buffer.from(big.data, "base64")).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([384, 192, "png"]);
    expect(big.label).toBe("class: Forest");
  });

  it("counts image tokens per vendor's documented rule", () => {
    expect(imageTokens({ width: 384, height: 192 }, "gemini")).toBe(258);
    expect(imageTokens({ width: 1000, height: 800 }, "gemini")).toBe(2 * 2 * 258);
    expect(imageTokens({ width: 750, height: 10 }, "anthropic")).toBe(10);
    expect(imageTokens({ width: 4000, height: 4000 }, "openai")).toBe(85);
    const request: LlmRequest = { messages: [{ role: "user", content: "x", images: [big, small] }] };
    expect(requestImageTokens(request, "anthropic")).toBe(
      Math.ceil((384 * 192) / 750) + Math.ceil((64 * 64) / 750),
    );
  });
});

describe("images through the providers (the stand-ins' logs show what was sent)", () => {
  let server: FakeLlmServer;
  let gemini: FakeLlmServer;
  beforeAll(async () => {
    server = await startFakeLlmServer();
    gemini = await startGeminiStandIn();
  });
  afterAll(async () => {
    await server.close();
    await gemini.close();
  });
  const request = (): LlmRequest => ({
    messages: [{ role: "user", content: "write templates", images: [small] }],
  });

  it("Anthropic: base64 image blocks with their label, before the text", async () => {
    const p = new AnthropicProvider({ model: "claude-haiku-4-5", apiKey: "k-1234", baseURL: server.url });
    expect(p.acceptsImages).toBe(true);
    await p.generate(request());
    const content = ((server.requests.at(-1)?.body?.messages ?? []) as { content: unknown }[])[0]?.content;
    expect(content).toEqual([
      { type: "text", text: "class: River" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: small.data } },
      { type: "text", text: "write templates" },
    ]);
  });

  it("OpenAI: image_url data URLs with detail low", async () => {
    const p = new OpenAIProvider({ model: "gpt-4o-mini", apiKey: "k-1234", baseURL: server.openaiBaseURL });
    expect(p.acceptsImages).toBe(true);
    await p.generate(request());
    const content = ((server.requests.at(-1)?.body?.messages ?? []) as { content: unknown }[])[0]?.content;
    expect(content).toEqual([
      { type: "text", text: "class: River" },
      { type: "image_url", image_url: { url: `data:image/png;base64,${small.data}`, detail: "low" } },
      { type: "text", text: "write templates" },
    ]);
  });

  it("Gemini: inlineData parts", async () => {
    const p = new GoogleProvider({ model: "gemini-2.5-flash", apiKey: "k-1234", baseURL: gemini.url });
    await p.generate(request());
    const contents = (gemini.requests.at(-1)?.body?.contents ?? []) as { parts: unknown[] }[];
    expect(contents[0]?.parts).toEqual([
      { text: "class: River" },
      { inlineData: { mimeType: "image/png", data: small.data } },
      { text: "write templates" },
    ]);
  });

  it("text-only providers refuse images with one clear ConfigError and send nothing", async () => {
    const before = server.requests.length;
    for (const spec of [
      "groq:llama",
      "openai-compatible:m@" + server.openaiBaseURL,
      "bedrock:meta.llama3-70b-instruct-v1:0",
    ]) {
      const p = await createProvider(spec, {
        env: { GROQ_API_KEY: "k-1234", AWS_REGION: "us-east-1" },
        ...(spec.startsWith("groq") ? { baseURL: server.openaiBaseURL } : {}),
      });
      expect(p.acceptsImages ?? false).toBe(false);
      const error = await p.generate(request()).catch((e: unknown) => e);
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/takes text only/);
    }
    expect(server.requests.length).toBe(before);
  });

  it("the reply-cache key holds image hashes: another image is another key, the bytes are not in it", () => {
    const id = { provider: "anthropic", model: "m" };
    const a = replyCacheKey(id, request(), 0);
    const b = replyCacheKey(
      id,
      { messages: [{ role: "user", content: "write templates", images: [big] }] },
      0,
    );
    const none = replyCacheKey(id, { messages: [{ role: "user", content: "write templates" }] }, 0);
    expect(new Set([a, b, none]).size).toBe(3);
    // a text-only request keeps the key it had before images existed
    expect(none).toBe(replyCacheKey(id, { messages: [{ role: "user", content: "write templates" }] }, 0));
  });
});
