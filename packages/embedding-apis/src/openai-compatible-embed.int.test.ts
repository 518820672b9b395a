/**
 * A real self-hosted server (needs VLMOPT_EMBED_URL, e.g. http://localhost:8000/v1, and
 * VLMOPT_EMBED_MODEL; VLMOPT_EMBED_API=vllm|infinity; `pnpm test:int`). Runs the ClipEncoder
 * contract suite against it.
 */
import { tinyPng } from "@vlmopt/core/testing";
import { describe, it } from "vitest";
import { clipEncoderContract } from "../../clip-embedding/src/clip-encoder-contract.js";
import { createEmbeddingApiEncoder } from "./create-encoder.js";

const url = process.env.VLMOPT_EMBED_URL;
const model = process.env.VLMOPT_EMBED_MODEL;
if (url && model) {
  const api = process.env.VLMOPT_EMBED_API === "infinity" ? "?api=infinity" : "";
  clipEncoderContract({
    name: `openai-compatible-embed:${model}@${url}${api} (real server)`,
    makeEncoder: () =>
      createEmbeddingApiEncoder(`openai-compatible-embed:${model}@${url}${api}`, { env: process.env }),
    images: async () => [tinyPng(10, 64), tinyPng(120, 64), tinyPng(240, 64)],
  });
} else {
  describe("openai-compatible-embed (real server)", () => {
    it.skip("needs VLMOPT_EMBED_URL and VLMOPT_EMBED_MODEL", () => {});
  });
}
