import { describe, expect, it } from "vitest";
import { transferLine } from "./download-progress.js";

describe("transferLine", () => {
  it("shows the bar, bytes, rate and ETA from this session's rate", () => {
    expect(
      transferLine({
        file: "/r/.vlmopt-downloads/EuroSAT.zip",
        received: 50e6,
        total: 100e6,
        sessionBytes: 40e6,
        elapsedMs: 8000,
      }),
    ).toBe("EuroSAT.zip [############............] 50.0/100.0 MB · 5.0 MB/s · ETA 10s");
  });
  it("without a total: bytes and rate only; complete: ETA 0s", () => {
    expect(
      transferLine({ file: "a.tgz", received: 3e6, total: null, sessionBytes: 3e6, elapsedMs: 1000 }),
    ).toBe("a.tgz 3.0 MB · 3.0 MB/s");
    expect(
      transferLine({ file: "a.tgz", received: 2e6, total: 2e6, sessionBytes: 2e6, elapsedMs: 1000 }),
    ).toMatch(/\[#{24}\] 2\.0\/2\.0 MB · 2\.0 MB\/s · ETA 0s$/);
  });
});
