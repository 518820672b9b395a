import { ProviderApiError } from "@vlmopt/core";
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { describe, expect, it } from "vitest";
import { mapSdkError } from "./sdk-errors.js";

const SDK = { APIError, APIUserAbortError, APIConnectionError, APIConnectionTimeoutError };
const CTX = {
  provider: "openai",
  model: "gpt-4o",
  timeoutMs: 60_000,
  baseURL: "http://127.0.0.1:1/v1",
  secrets: [],
};

function hintFor(status: number): string | undefined {
  const error = mapSdkError(new APIError(status, { message: "x" }, "x", new Headers()), SDK, CTX);
  if (!ProviderApiError.isInstance(error)) throw new Error("expected a ProviderApiError");
  return error.hint;
}

describe("mapSdkError hints", () => {
  it("tells a rate-limited user what they can change: --llm-retries (the CLI has no --concurrency flag)", () => {
    const hint = hintFor(429) ?? "";
    expect(hint).toContain("--llm-retries");
    expect(hint).toContain("`concurrency` in the provider options");
    expect(hint).not.toContain("--concurrency");
  });
});
