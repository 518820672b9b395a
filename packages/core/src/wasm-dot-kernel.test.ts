import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import wabt from "wabt";
import { argmaxDotWasm, kernelModuleBytes, wasmArgmaxFits, wasmSimdAvailable } from "./wasm-dot-kernel.js";

describe("wasm-dot-kernel", () => {
  it("wasm-dot-kernel.wat, assembled by wabt, is byte for byte the module the kernel runs", async () => {
    // wabt.js (https://github.com/AssemblyScript/wabt.js, README "API"): parseWat, then toBinary.
    const wat = readFileSync(new URL("./wasm-dot-kernel.wat", import.meta.url), "utf8");
    const module = (await wabt()).parseWat("wasm-dot-kernel.wat", wat, { simd: true });
    try {
      module.validate();
      const { buffer } = module.toBinary({ canonicalize_lebs: true, write_debug_names: false });
      // Hex strings, so a mismatch shows where the bytes differ.
      expect(Buffer.from(kernelModuleBytes()).toString("hex")).toBe(Buffer.from(buffer).toString("hex"));
    } finally {
      module.destroy();
    }
  });

  it("matches a float64 argmax at image-chunk boundaries (64 rows per chunk at dim 512)", () => {
    expect(wasmSimdAvailable()).toBe(true);
    let state = 5;
    const rand = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648 - 0.5;
    };
    const d = 512;
    const c = 9;
    const b = Float32Array.from({ length: c * d }, rand);
    for (const n of [63, 64, 65, 129]) {
      const a = Float32Array.from({ length: n * d }, rand);
      const expected = Array.from({ length: n }, (_, i) => {
        let best = -1;
        let top = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < c; k++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += (a[i * d + j] as number) * (b[k * d + j] as number);
          if (s > top) {
            top = s;
            best = k;
          }
        }
        return best;
      });
      expect(Array.from(argmaxDotWasm(a, n, b, c, d) ?? []), `n = ${n}`).toEqual(expected);
    }
  });

  it("declines empty shapes and ones beyond its 2 GiB memory", () => {
    expect(wasmArgmaxFits(0, 5, 8)).toBe(false);
    expect(wasmArgmaxFits(5, 0, 8)).toBe(false);
    expect(wasmArgmaxFits(5, 5, 0)).toBe(false);
    expect(wasmArgmaxFits(1000, 1000, 512)).toBe(true);
    expect(wasmArgmaxFits(10, 300_000, 1024)).toBe(false);
    expect(() => argmaxDotWasm(new Float32Array(0), 0, new Float32Array(8), 1, 8)).toThrow(RangeError);
  });
});
