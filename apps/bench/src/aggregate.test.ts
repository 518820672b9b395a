import { describe, expect, it } from "vitest";
import { aggregate, curvesByMethod } from "./aggregate.js";
import { csvField, toCsv } from "./csv.js";
import { cellText } from "./render-markdown.js";
import { mean, sampleStd } from "./stats.js";
import type { BenchRecord } from "./types.js";

function rec(
  dataset: string,
  method: string,
  seed: number | null,
  acc: number | null,
  extra: Partial<BenchRecord> = {},
): BenchRecord {
  return {
    dataset,
    method,
    methodLabel: method.toUpperCase(),
    kind: seed === null ? "baseline" : "strategy",
    seed,
    status: "done",
    testAccuracy: acc,
    trainAccuracy: null,
    valAccuracy: null,
    llmCalls: seed === null ? 0 : 10,
    costUsd: 0,
    evaluations: 1,
    templates: [],
    curve: [],
    ...extra,
  };
}

describe("mean and std over seeds", () => {
  it("uses the sample standard deviation", () => {
    expect(mean([0.5, 0.6, 0.7])).toBeCloseTo(0.6, 12);
    expect(sampleStd([0.5, 0.6, 0.7])).toBeCloseTo(0.1, 12);
    expect(sampleStd([0.5])).toBeNull();
  });
});

describe("aggregate", () => {
  const records = [
    rec("eurosat", "hc", 1, 0.5),
    rec("eurosat", "hc", 2, 0.6),
    rec("eurosat", "hc", 3, 0.7),
    rec("imagenet", "hc", 1, 0.2),
    rec("eurosat", "photo", null, 0.4),
    rec("imagenet", "photo", null, 0.3),
    rec("eurosat", "hc", 4, null, { status: "error", reason: "boom" }),
    rec("dtd", "hc", 1, 0.9, { status: "skipped" }),
  ];
  it("puts datasets in the given column order and methods in the given row order", () => {
    const t = aggregate(records, ["imagenet", "eurosat"], ["photo", "hc"]);
    expect(t.datasets).toEqual(["imagenet", "eurosat"]);
    expect(t.methods.map((m) => m.method)).toEqual(["photo", "hc"]);
    expect(t.methods[1]).toEqual({ method: "hc", label: "HC", kind: "strategy" });
  });
  it("averages over seeds, ignores unfinished records, and averages the dataset means", () => {
    const t = aggregate(records, ["imagenet", "eurosat"]);
    const cell = t.cells.hc?.eurosat;
    expect(cell?.n).toBe(3);
    expect(cell?.mean).toBeCloseTo(0.6, 12);
    expect(cell?.std).toBeCloseTo(0.1, 12);
    expect(t.cells.hc?.imagenet).toEqual({ mean: 0.2, std: null, n: 1 });
    expect(t.cells.hc?.dtd).toBeUndefined();
    expect(t.average.hc?.mean).toBeCloseTo(0.4, 12);
    expect(t.average.photo).toEqual({ mean: 0.35, datasets: 2 });
    expect(t.meanCalls.hc).toBe(10);
  });
  it("formats cells as percent mean ± std", () => {
    expect(cellText({ mean: 0.6, std: 0.1, n: 3 })).toBe("60.0 ± 10.0");
    expect(cellText({ mean: 0.612, std: null, n: 1 })).toBe("61.2");
    expect(cellText(undefined)).toBe("—");
  });
  it("averages best-so-far curves over runs, carrying a run's last value forward", () => {
    const curves = curvesByMethod([
      rec("a", "hc", 1, 0.5, {
        curve: [
          [0, 0.2],
          [1, 0.4],
          [2, 0.6],
        ],
      }),
      rec("b", "hc", 1, 0.5, {
        curve: [
          [0, 0.4],
          [1, 0.4],
        ],
      }),
    ]);
    expect(curves.hc?.map(([k]) => k)).toEqual([0, 1, 2]);
    expect(curves.hc?.[2]?.[1]).toBeCloseTo(0.5, 12);
  });
});

describe("CSV", () => {
  it("quotes fields with commas, quotes, newlines or edge spaces and doubles quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField('a "photo", of {}')).toBe('"a ""photo"", of {}"');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField(" padded")).toBe('" padded"');
    expect(csvField(null)).toBe("");
    expect(csvField(0.5)).toBe("0.5");
  });
  it("writes a header and CRLF-terminated rows", () => {
    expect(toCsv(["a", "b"], [[1, "x,y"]])).toBe('a,b\r\n1,"x,y"\r\n');
  });
});
