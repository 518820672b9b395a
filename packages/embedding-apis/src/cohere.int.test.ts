/**
 * The real Cohere API through the cohere-ai SDK (needs CO_API_KEY and internet; `pnpm test:int`):
 * the ClipEncoder contract suite against embed-v4.0 at 256 dimensions.
 */
import { tinyPng } from "@vlmopt/core/testing";
import { describe, it } from "vitest";
import { clipEncoderContract } from "../../clip-embedding/src/clip-encoder-contract.js";
import { createEmbeddingApiEncoder } from "./create-encoder.js";

if (process.env.CO_API_KEY) {
  clipEncoderContract({
    name: "cohere:embed-v4.0 (real API)",
    makeEncoder: () => createEmbeddingApiEncoder("cohere:embed-v4.0?dimensions=256", { env: process.env }),
    images: async () => [tinyPng(10, 64), tinyPng(120, 64), tinyPng(240, 64)],
  });
} else {
  describe("cohere:embed-v4.0 (real API)", () => {
    it.skip("needs CO_API_KEY", () => {});
  });
}
