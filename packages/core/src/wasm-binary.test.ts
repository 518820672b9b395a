import { describe, expect, it } from "vitest";
import {
  assembleModule,
  I32,
  instantiateSync,
  op,
  s32,
  u32,
  type WasmMemory,
  wasmApi,
} from "./wasm-binary.js";

describe("wasm-binary", () => {
  it("encodes LEB128 numbers (the spec's examples)", () => {
    expect(u32(0)).toEqual([0]);
    expect(u32(127)).toEqual([0x7f]);
    expect(u32(128)).toEqual([0x80, 0x01]);
    expect(u32(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(s32(0)).toEqual([0]);
    expect(s32(-1)).toEqual([0x7f]);
    expect(s32(64)).toEqual([0xc0, 0x00]);
    expect(s32(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it("assembles a valid module whose function runs on the exported memory", () => {
    // (func (export "put") (param $at i32) (local $v i32) (i32.store (local.get $at) (i32.const 300)))
    const bytes = assembleModule([
      {
        exportName: "put",
        params: [I32],
        locals: [I32],
        body: [op.localGet, 0, op.i32Const, ...s32(300), 0x36, 2, 0],
      },
    ]);
    const api = wasmApi();
    if (!api) throw new Error("Node has WebAssembly");
    expect(api.validate(bytes)).toBe(true);
    const { memory, put } = instantiateSync(api, bytes) as { memory: WasmMemory; put: (at: number) => void };
    put(8);
    expect(new Int32Array(memory.buffer)[2]).toBe(300);
    expect(memory.buffer.byteLength).toBe(65536);
  });
});
