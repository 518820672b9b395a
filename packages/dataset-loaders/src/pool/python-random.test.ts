import { describe, expect, it } from "vitest";
import { PythonRandom } from "./python-random.js";

// Reference values printed by CPython 3.11.7 (Debian):
//   python3 -c "import random; random.seed(S); print(random.sample(range(N), 10))"
describe("PythonRandom", () => {
  it("matches CPython's random.sample for the set branch (large populations)", () => {
    expect(new PythonRandom(0).sampleIndices(1_000_000, 10)).toEqual([
      885440, 403958, 794772, 933488, 441001, 42450, 271493, 536110, 509532, 424604,
    ]);
    expect(new PythonRandom(1).sampleIndices(1_000_000, 10)).toEqual([
      140891, 596853, 888598, 841235, 800875, 66172, 267459, 123646, 519501, 797926,
    ]);
    expect(new PythonRandom(3).sampleIndices(1_000_000, 10)).toEqual([
      249523, 621429, 570665, 136758, 387926, 960437, 633256, 497081, 656115, 609067,
    ]);
    // A seed wider than 32 bits (two key words).
    expect(new PythonRandom(2n ** 40n + 5n).sampleIndices(1_000_000, 10)).toEqual([
      528881, 542031, 281652, 696042, 970757, 28760, 556751, 795283, 857697, 874792,
    ]);
    expect(new PythonRandom(0).sampleIndices(100, 10)).toEqual([49, 97, 53, 5, 33, 65, 62, 51, 38, 61]);
  });
  it("matches CPython's swap-pool branch and getrandbits(32)", () => {
    expect(new PythonRandom(0).sampleIndices(30, 10)).toEqual([27, 12, 24, 13, 1, 8, 16, 15, 28, 9]);
    const r = new PythonRandom(7);
    expect([r.getrandbits(32), r.getrandbits(32), r.getrandbits(32)]).toEqual([
      1390851128, 4071050724, 647892279,
    ]);
  });
});
