import { describe, expect, it } from "vitest";
import {
  BudgetExceededError,
  ConfigError,
  DatasetFormatError,
  displayMessage,
  isRetryableStatus,
  ProviderApiError,
  VlmoptError,
} from "./errors.js";

describe("errors", () => {
  it("are recognised by marker symbols, also across copies", () => {
    const e = new ConfigError("bad", { hint: "fix it" });
    expect(VlmoptError.isInstance(e)).toBe(true);
    expect(ConfigError.isInstance(e)).toBe(true);
    expect(DatasetFormatError.isInstance(e)).toBe(false);
    expect(e.toDisplayString()).toBe("bad — fix it");
    // a plain object carrying the global symbol (another bundle's copy) is recognised too
    const foreign = { [Symbol.for("vlmopt.error")]: true };
    expect(VlmoptError.isInstance(foreign)).toBe(true);
    expect(VlmoptError.isInstance(new Error("x"))).toBe(false);
  });

  it("computes isRetryable from the status", () => {
    for (const s of [408, 409, 429, 500, 503]) expect(isRetryableStatus(s)).toBe(true);
    for (const s of [400, 401, 403, 404, 422]) expect(isRetryableStatus(s)).toBe(false);
    expect(new ProviderApiError("x", { status: 429 }).isRetryable).toBe(true);
    expect(new ProviderApiError("x", { status: 400 }).isRetryable).toBe(false);
    expect(new ProviderApiError("network", { isRetryable: true }).isRetryable).toBe(true);
    expect(ProviderApiError.isInstance(new ProviderApiError("x"))).toBe(true);
  });

  it("displayMessage gives one line for anything thrown", () => {
    expect(displayMessage(new ConfigError("bad", { hint: "fix it" }))).toBe("bad — fix it");
    expect(displayMessage(new Error("plain"))).toBe("plain");
    expect(displayMessage("text")).toBe("text");
  });

  it("budget errors say which limit", () => {
    const e = new BudgetExceededError("maxUsd", "over");
    expect(e.limit).toBe("maxUsd");
    expect(BudgetExceededError.isInstance(e)).toBe(true);
  });
});
