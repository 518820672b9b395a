/**
 * The real Jina API (needs JINA_API_KEY and internet; `pnpm test:int`). Runs the ClipEncoder
 * contract suite against jina-clip-v2 at 64 dimensions (a few hundred tokens).
 */
import { tinyPng } from "@vlmopt/core/testing";
import { describe, it } from "vitest";
import { clipEncoderContract } from "../../clip-embedding/src/clip-encoder-contract.js";
import { createEmbeddingApiEncoder } from "./create-encoder.js";

const key = process.env.JINA_API_KEY;
if (key) {
  clipEncoderContract({
    name: "jina:jina-clip-v2 (real API)",
    makeEncoder: () => createEmbeddingApiEncoder("jina:jina-clip-v2?dimensions=64", { env: process.env }),
    images: async () => [tinyPng(10, 64), tinyPng(120, 64), tinyPng(240, 64)],
  });
} else {
  describe("jina:jina-clip-v2 (real API)", () => {
    it.skip("needs JINA_API_KEY", () => {});
  });
}
