import {
  assembleModule,
  I32,
  instantiateSync,
  op,
  s32,
  simd,
  simdOp,
  u32,
  V128,
  type WasmMemory,
  wasmApi,
} from "./wasm-binary.js";

/**
 * Image × class dot products with WebAssembly SIMD, bit-identical to the float64 JavaScript loop
 * in scoring.ts: every float32 value is widened to float64 (exact), each product of two widened
 * float32 values is exact in float64, and every dot product is accumulated in float64 in the
 * same order (j = 0, 1, …, dim − 1, starting from +0). The SIMD lanes run across classes, never
 * across the dimension, so no sum is re-associated — the scores, and so the argmax with its
 * tie rule, equal the scalar ones exactly.
 *
 * Both operands are packed into "panels" (as in BLAS): an image panel holds R images as
 * [j][r] float64, a class panel W = 2·K classes as [j][w] float64, so the inner loop reads both
 * with constant offsets from two pointers that step forward. One pass over j computes an R × W
 * block of scores in R·K f64x2 registers. The text of the module for R = 4, K = 2 is
 * wasm-dot-kernel.wat; a test assembles it with wabt and requires these exact bytes.
 */

/** Images per register block. */
const R = 4;
/** f64x2 registers (pairs of classes) per register block. */
const K = 2;
/** Classes per register block. */
const W = 2 * K;

// Parameters of the exported function `scores`, then its locals.
const P_A = 0; // byte address of the first image panel
const P_IPANELS = 1; // image panels
const P_B = 2; // byte address of the first class panel
const P_CPANELS = 3; // class panels
const P_S = 4; // byte address of score (0, 0); scores are row-major float64, one row per image
const P_SSTRIDE = 5; // bytes per score row
const P_DIM = 6; // dimension (≥ 1)
const L_I = 7;
const L_C = 8;
const L_PA = 9;
const L_PB = 10;
const L_PEND = 11;
const L_PS = 12;
const L_APANEL = 13;
const L_BPANEL = 14;
const L_PBC = 15;
const L_ACC = 16; // R·K accumulators, row-major
const L_AV = L_ACC + R * K; // one image value, splatted
const L_BV = L_AV + 1; // K pairs of class values

const get = (l: number) => [op.localGet, ...u32(l)];
const set = (l: number) => [op.localSet, ...u32(l)];
const tee = (l: number) => [op.localTee, ...u32(l)];
const i32 = (n: number) => [op.i32Const, ...s32(n)];

/**
 * (func (export "scores") (param $pa0 $ipanels $pb0 $cpanels $ps0 $sstride $dim i32)
 *   for c in 0..cpanels: for i in 0..ipanels: S[R·i .. R·i+R)[W·c .. W·c+W) = A-panel i · B-panel c
 */
function kernelBody(): number[] {
  const acc = (r: number, k: number) => L_ACC + r * K + k;
  const zero = [...simdOp(simd.v128Const), ...new Array<number>(16).fill(0)];
  const inner: number[] = [];
  for (let k = 0; k < K; k++)
    inner.push(...get(L_PB), ...simdOp(simd.v128Load, [3, 16 * k]), ...set(L_BV + k));
  for (let r = 0; r < R; r++) {
    inner.push(...get(L_PA), ...simdOp(simd.v128Load64Splat, [3, 8 * r]), ...set(L_AV));
    for (let k = 0; k < K; k++) {
      inner.push(
        ...get(acc(r, k)),
        ...get(L_AV),
        ...get(L_BV + k),
        ...simdOp(simd.f64x2Mul),
        ...simdOp(simd.f64x2Add),
        ...set(acc(r, k)),
      );
    }
  }
  const store: number[] = [];
  for (let r = 0; r < R; r++) {
    for (let k = 0; k < K; k++)
      store.push(...get(L_PS), ...get(acc(r, k)), ...simdOp(simd.v128Store, [3, 16 * k]));
    if (r + 1 < R) store.push(...get(L_PS), ...get(P_SSTRIDE), op.i32Add, ...set(L_PS));
  }
  const clear: number[] = [];
  for (let x = 0; x < R * K; x++) clear.push(...zero, ...set(L_ACC + x));
  // biome-ignore format: one line per statement reads like the WAT it encodes
  return [
    ...get(P_DIM), ...i32(R * 8), op.i32Mul, ...set(L_APANEL),
    ...get(P_DIM), ...i32(W * 8), op.i32Mul, ...set(L_BPANEL),
    ...get(P_B), ...set(L_PBC),
    op.loop, op.void, // over class panels c
    ...i32(0), ...set(L_I),
    op.loop, op.void, // over image panels i
    ...get(P_A), ...get(L_I), ...get(L_APANEL), op.i32Mul, op.i32Add, ...set(L_PA),
    ...get(L_PBC), ...set(L_PB),
    ...get(L_PBC), ...get(L_BPANEL), op.i32Add, ...set(L_PEND),
    ...clear,
    op.loop, op.void, // over j: one row of both panels
    ...inner,
    ...get(L_PA), ...i32(R * 8), op.i32Add, ...set(L_PA),
    ...get(L_PB), ...i32(W * 8), op.i32Add, ...tee(L_PB),
    ...get(L_PEND), op.i32LtU, op.brIf, 0,
    op.end,
    // ps = ps0 + i·R·sstride + c·W·8
    ...get(P_S), ...get(L_I), ...i32(R), op.i32Mul, ...get(P_SSTRIDE), op.i32Mul, op.i32Add,
    ...get(L_C), ...i32(W * 8), op.i32Mul, op.i32Add, ...set(L_PS),
    ...store,
    ...get(L_I), ...i32(1), op.i32Add, ...tee(L_I), ...get(P_IPANELS), op.i32LtU, op.brIf, 0,
    op.end,
    ...get(L_PBC), ...get(L_BPANEL), op.i32Add, ...set(L_PBC),
    ...get(L_C), ...i32(1), op.i32Add, ...tee(L_C), ...get(P_CPANELS), op.i32LtU, op.brIf, 0,
    op.end,
  ];
}

/** The kernel module's bytes (a few hundred). */
export function kernelModuleBytes(): Uint8Array {
  return assembleModule([
    {
      exportName: "scores",
      params: [I32, I32, I32, I32, I32, I32, I32],
      locals: [...new Array<number>(L_ACC - 7).fill(I32), ...new Array<number>(R * K + 1 + K).fill(V128)],
      body: kernelBody(),
    },
  ]);
}

type ScoresFn = (
  pa0: number,
  ipanels: number,
  pb0: number,
  cpanels: number,
  ps0: number,
  sstride: number,
  dim: number,
) => void;

interface Kernel {
  memory: WasmMemory;
  scores: ScoresFn;
}

/** undefined: not tried yet; null: WebAssembly SIMD is unavailable here. */
let kernel: Kernel | null | undefined;

function loadKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  const api = wasmApi();
  if (!api) return kernel;
  const bytes = kernelModuleBytes();
  // Validating the kernel itself is the feature test: it fails where SIMD is unsupported.
  if (!api.validate(bytes)) return kernel;
  const { memory, scores } = instantiateSync(api, bytes) as { memory: WasmMemory; scores: ScoresFn };
  kernel = { memory, scores };
  return kernel;
}

/** Whether this runtime has WebAssembly with fixed-width SIMD (compiles the kernel once). */
export function wasmSimdAvailable(): boolean {
  return loadKernel() !== null;
}

/** Largest wasm memory the kernel uses; larger problems stay in JavaScript. */
const MAX_BYTES = 2 ** 31;
/** Target size of one chunk of packed images (kept in L2 while the class panels stream by). */
const CHUNK_BYTES = 256 * 1024;
const PAGE = 65536;

function byteSizes(n: number, c: number, dim: number) {
  const cPanels = Math.ceil(c / W);
  const chunkPanels = Math.max(1, Math.min(Math.ceil(n / R), Math.floor(CHUNK_BYTES / (dim * R * 8))));
  const bBytes = cPanels * W * dim * 8;
  const aBytes = chunkPanels * R * dim * 8;
  const sBytes = chunkPanels * R * cPanels * W * 8;
  return { cPanels, chunkPanels, bBytes, aBytes, sBytes, total: bBytes + aBytes + sBytes };
}

/** Whether `argmaxDotWasm` can run this shape here. */
export function wasmArgmaxFits(n: number, c: number, dim: number): boolean {
  return n > 0 && c > 0 && dim > 0 && byteSizes(n, c, dim).total <= MAX_BYTES;
}

/**
 * For each of the `n` images (rows of `a`), the index of the class (row of `b`) with the highest
 * dot product: classes are scanned in increasing order with a strict `>`, so the first maximum
 * wins, and an image with no score above -Infinity (e.g. NaN) gets -1 — exactly as the JS loop.
 * The module's memory grows to fit (packed classes + one chunk of packed images and scores) and
 * is kept for the next call. Returns null if the memory cannot grow that far; throws if SIMD is
 * unavailable or the shape does not fit (see `wasmArgmaxFits`).
 */
export function argmaxDotWasm(
  a: Float32Array,
  n: number,
  b: Float32Array,
  c: number,
  dim: number,
): Int32Array | null {
  const k = loadKernel();
  if (!k) throw new Error("WebAssembly SIMD is unavailable");
  if (!wasmArgmaxFits(n, c, dim)) throw new RangeError(`${n}×${c}×${dim} does not fit the wasm kernel`);
  const { cPanels, chunkPanels, bBytes, aBytes, total } = byteSizes(n, c, dim);
  if (k.memory.buffer.byteLength < total) {
    try {
      k.memory.grow(Math.ceil((total - k.memory.buffer.byteLength) / PAGE));
    } catch {
      return null;
    }
  }
  const heap = new Float64Array(k.memory.buffer);
  const cPad = cPanels * W;
  // Class panels at byte 0: panel p holds classes W·p … W·p+W-1 as [j][w]; missing classes are 0.
  heap.fill(0, 0, bBytes / 8);
  for (let cls = 0; cls < c; cls++) {
    const base = Math.floor(cls / W) * W * dim + (cls % W);
    const src = cls * dim;
    for (let j = 0; j < dim; j++) heap[base + j * W] = b[src + j] as number;
  }
  const aBase = bBytes / 8;
  const sBase = (bBytes + aBytes) / 8;
  const best = new Int32Array(n).fill(-1);
  const chunkRows = chunkPanels * R;
  for (let i0 = 0; i0 < n; i0 += chunkRows) {
    const rows = Math.min(chunkRows, n - i0);
    const panels = Math.ceil(rows / R);
    // Image panels: panel q holds images i0+R·q … as [j][r]; missing images are 0.
    heap.fill(0, aBase, aBase + panels * R * dim);
    for (let r = 0; r < rows; r++) {
      const base = aBase + Math.floor(r / R) * R * dim + (r % R);
      const src = (i0 + r) * dim;
      for (let j = 0; j < dim; j++) heap[base + j * R] = a[src + j] as number;
    }
    k.scores(aBase * 8, panels, 0, cPanels, sBase * 8, cPad * 8, dim);
    // Classes in increasing order, strict >: an exact tie keeps the lower class index.
    for (let r = 0; r < rows; r++) {
      const s = sBase + r * cPad;
      let arg = -1;
      let top = Number.NEGATIVE_INFINITY;
      for (let cls = 0; cls < c; cls++) {
        const v = heap[s + cls] as number;
        if (v > top) {
          top = v;
          arg = cls;
        }
      }
      best[i0 + r] = arg;
    }
  }
  return best;
}
