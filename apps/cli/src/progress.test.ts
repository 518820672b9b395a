import { describe, expect, it } from "vitest";
import { featureLine } from "./progress.js";

describe("featureLine", () => {
  it("says (all cached) instead of a rate when every image came from the cache", () => {
    expect(featureLine({ split: "train", done: 10, total: 10, cached: 10, elapsedMs: 3 })).toBe(
      "features train: 10/10 images (all cached)",
    );
  });
  it("shows no rate while only cached images have been read", () => {
    expect(featureLine({ split: "test", done: 400, total: 1000, cached: 400, elapsedMs: 50 })).toBe(
      "features test: 400/1,000 images, 400 cached",
    );
  });
  it("shows the rate of computed images and an ETA", () => {
    expect(featureLine({ split: "test", done: 600, total: 1000, cached: 400, elapsedMs: 2000 })).toBe(
      "features test: 600/1,000 images, 400 cached, 100 img/s, ETA 4s",
    );
    expect(featureLine({ split: "val", done: 50, total: 50, cached: 0, elapsedMs: 1000 })).toBe(
      "features val: 50/50 images, 50 img/s, ETA 0s",
    );
  });
});
