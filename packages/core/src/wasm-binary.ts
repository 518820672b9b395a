/**
 * A minimal WebAssembly binary writer: just enough of the format (LEB128 numbers, sections,
 * one memory, functions with locals, a handful of opcodes) to assemble the small SIMD kernel in
 * wasm-dot-kernel.ts without a toolchain. Spec: https://webassembly.github.io/spec/core/binary/
 */

/** Value types. */
export const I32 = 0x7f;
export const V128 = 0x7b;

/** Opcodes used by the kernel (core spec + the fixed-width SIMD proposal, prefix 0xfd). */
export const op = {
  end: 0x0b,
  loop: 0x03,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  /** Block type of a block or loop with no parameters and no results. */
  void: 0x40,
} as const;

const SIMD = 0xfd;
export const simd = {
  v128Load: 0x00,
  v128Load64Splat: 0x0a,
  v128Store: 0x0b,
  v128Const: 0x0c,
  f64x2Add: 0xf0,
  f64x2Mul: 0xf2,
} as const;

/** Unsigned LEB128. */
export function u32(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function s32(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A vector: its length, then its items. */
export function vec(items: readonly number[][]): number[] {
  return [...u32(items.length), ...items.flat()];
}

function section(id: number, content: number[]): number[] {
  return [id, ...u32(content.length), ...content];
}

function name(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...u32(bytes.length), ...bytes];
}

/** A SIMD instruction; `memarg` = [log2 alignment, offset] for loads and stores. */
export function simdOp(code: number, memarg?: readonly [number, number]): number[] {
  return [SIMD, ...u32(code), ...(memarg ? [...u32(memarg[0]), ...u32(memarg[1])] : [])];
}

export interface WasmFunction {
  exportName: string;
  params: readonly number[];
  /** Extra locals after the parameters, in order. */
  locals: readonly number[];
  /** The body's instructions, without the final `end`. */
  body: readonly number[];
}

/**
 * A module with one exported memory ("memory", `pages` × 64 KiB initially, growable) and the
 * given exported functions (no results).
 */
export function assembleModule(functions: readonly WasmFunction[], pages = 1): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec([])]);
  const funcs = functions.map((_, i) => u32(i));
  const memory = [[0x00, ...u32(pages)]];
  const exports = [
    [...name("memory"), 0x02, ...u32(0)],
    ...functions.map((f, i) => [...name(f.exportName), 0x00, ...u32(i)]),
  ];
  const bodies = functions.map((f) => {
    // Locals are declared as runs of equal types.
    const runs: number[][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0] = (last[0] as number) + 1;
      else runs.push([1, t]);
    }
    const code = [...vec(runs.map(([n, t]) => [...u32(n as number), t as number])), ...f.body, op.end];
    return [...u32(code.length), ...code];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(3, vec(funcs)),
    ...section(5, vec(memory)),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}

/** The slice of the WebAssembly JS API used here (ES2023 + @types/node do not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { readonly exports: Record<string, unknown> };
}

/** The global WebAssembly object, or undefined where the runtime has none. */
export function wasmApi(): WasmApi | undefined {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return typeof api === "object" && api !== null ? api : undefined;
}

/** Compiles and instantiates a module without imports, synchronously (fine for a few hundred bytes). */
export function instantiateSync(api: WasmApi, bytes: Uint8Array): Record<string, unknown> {
  return new api.Instance(new api.Module(bytes)).exports;
}
