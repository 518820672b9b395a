import { describe, expect, it } from "vitest";
import { shownPath } from "./format.js";

describe("shownPath", () => {
  it("is relative inside the working directory and absolute outside it", () => {
    expect(shownPath("/work/main", "/work/main/runs/a")).toBe("runs/a");
    expect(shownPath("/work/main", "/work/main")).toBe(".");
    expect(shownPath("/work/main", "/tmp/runs/a")).toBe("/tmp/runs/a");
    expect(shownPath("/work/main", "runs/b")).toBe("runs/b");
    expect(shownPath("/elsewhere/x", "runs/b")).toBe("runs/b");
    expect(shownPath("/elsewhere/x", "../y")).toBe("/elsewhere/y");
  });
});
