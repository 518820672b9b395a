/**
 * The real Voyage API through the voyageai SDK (needs VOYAGE_API_KEY and internet; `pnpm test:int`):
 * the ClipEncoder contract suite against voyage-multimodal-3.
 */
import { tinyPng } from "@vlmopt/core/testing";
import { describe, it } from "vitest";
import { clipEncoderContract } from "../../clip-embedding/src/clip-encoder-contract.js";
import { createEmbeddingApiEncoder } from "./create-encoder.js";

if (process.env.VOYAGE_API_KEY) {
  clipEncoderContract({
    name: "voyage:voyage-multimodal-3 (real API)",
    makeEncoder: () => createEmbeddingApiEncoder("voyage:voyage-multimodal-3", { env: process.env }),
    images: async () => [tinyPng(10, 64), tinyPng(120, 64), tinyPng(240, 64)],
  });
} else {
  describe("voyage:voyage-multimodal-3 (real API)", () => {
    it.skip("needs VOYAGE_API_KEY", () => {});
  });
}
