/**
 * The real Nomic API (needs NOMIC_API_KEY and internet; `pnpm test:int`): the ClipEncoder contract
 * suite against nomic-embed-vision-v1.5 + nomic-embed-text-v1.5.
 */
import { tinyPng } from "@vlmopt/core/testing";
import { describe, it } from "vitest";
import { clipEncoderContract } from "../../clip-embedding/src/clip-encoder-contract.js";
import { createEmbeddingApiEncoder } from "./create-encoder.js";

const SPEC = "nomic:nomic-embed-vision-v1.5+nomic-embed-text-v1.5";
if (process.env.NOMIC_API_KEY) {
  clipEncoderContract({
    name: `${SPEC} (real API)`,
    makeEncoder: () => createEmbeddingApiEncoder(SPEC, { env: process.env }),
    images: async () => [tinyPng(10, 64), tinyPng(120, 64), tinyPng(240, 64)],
  });
} else {
  describe(`${SPEC} (real API)`, () => {
    it.skip("needs NOMIC_API_KEY", () => {});
  });
}
