/**
 * The real Vertex AI API (needs Application Default Credentials, GOOGLE_CLOUD_PROJECT and
 * internet; `pnpm test:int`): the ClipEncoder contract suite against multimodalembedding@001.
 */
import { tinyPng } from "@vlmopt/core/testing";
import { describe, it } from "vitest";
import { clipEncoderContract } from "../../clip-embedding/src/clip-encoder-contract.js";
import { createEmbeddingApiEncoder } from "./create-encoder.js";

const SPEC = "vertex:multimodalembedding@001?dimensions=128";
if (process.env.GOOGLE_CLOUD_PROJECT && process.env.VLMOPT_VERTEX_INT === "1") {
  clipEncoderContract({
    name: `${SPEC} (real API)`,
    makeEncoder: () => createEmbeddingApiEncoder(SPEC, { env: process.env }),
    images: async () => [tinyPng(10, 64), tinyPng(120, 64), tinyPng(240, 64)],
  });
} else {
  describe(`${SPEC} (real API)`, () => {
    it.skip("needs VLMOPT_VERTEX_INT=1, GOOGLE_CLOUD_PROJECT and Application Default Credentials", () => {});
  });
}
