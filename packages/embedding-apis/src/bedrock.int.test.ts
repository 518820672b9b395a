/**
 * The real Bedrock runtime (needs AWS credentials in the SDK chain, AWS_REGION, access to
 * amazon.titan-embed-image-v1, and internet; `pnpm test:int`): the ClipEncoder contract suite.
 * Set VLMOPT_BEDROCK_INT=1 to run it (credentials may come from a profile, not a variable).
 */
import { tinyPng } from "@vlmopt/core/testing";
import { describe, it } from "vitest";
import { clipEncoderContract } from "../../clip-embedding/src/clip-encoder-contract.js";
import { createEmbeddingApiEncoder } from "./create-encoder.js";

const SPEC = "bedrock:amazon.titan-embed-image-v1?dimensions=256";
if (process.env.VLMOPT_BEDROCK_INT === "1" && process.env.AWS_REGION) {
  clipEncoderContract({
    name: `${SPEC} (real API)`,
    makeEncoder: () => createEmbeddingApiEncoder(SPEC, { env: process.env }),
    images: async () => [tinyPng(10, 64), tinyPng(120, 64), tinyPng(240, 64)],
  });
} else {
  describe(`${SPEC} (real API)`, () => {
    it.skip("needs VLMOPT_BEDROCK_INT=1, AWS_REGION and AWS credentials", () => {});
  });
}
