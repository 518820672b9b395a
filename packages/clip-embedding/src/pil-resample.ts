/**
 * Pillow's bicubic resampling (Resample.c, 8-bit path) in TypeScript: the same filter
 * (a = -0.5, support 2 scaled by the reduction factor, i.e. antialiased), the same coefficient
 * bounds, the same 22-bit fixed-point rounding and the same two passes (horizontal, then
 * vertical, with an 8-bit intermediate). Only the output window asked for is computed, which
 * gives the same pixels as resizing the whole image and cropping afterwards.
 */
const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

function bicubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

interface Coeffs {
  bounds: Int32Array; // [xmin, count] per output pixel
  weights: Int32Array[]; // fixed-point weights per output pixel
}

const coeffCache = new Map<string, Coeffs>();

/** Coefficients for output pixels [from, from + count) of an inSize → outSize resize (memoised). */
function coefficients(inSize: number, outSize: number, from: number, count: number): Coeffs {
  const key = `${inSize}:${outSize}:${from}:${count}`;
  const hit = coeffCache.get(key);
  if (hit) return hit;
  const made = computeCoefficients(inSize, outSize, from, count);
  if (coeffCache.size >= 64) coeffCache.clear();
  coeffCache.set(key, made);
  return made;
}

function computeCoefficients(inSize: number, outSize: number, from: number, count: number): Coeffs {
  const scale = inSize / outSize;
  const filterScale = Math.max(1, scale);
  const support = 2 * filterScale;
  const bounds = new Int32Array(count * 2);
  const weights: Int32Array[] = [];
  for (let i = 0; i < count; i++) {
    const xx = from + i;
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterScale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    const k = new Float64Array(xmax);
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = bicubic((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    const fixed = new Int32Array(xmax);
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0 ? (k[x] as number) / ww : (k[x] as number);
      fixed[x] = v < 0 ? Math.trunc(-0.5 + v * ONE) : Math.trunc(0.5 + v * ONE);
    }
    bounds[i * 2] = xmin;
    bounds[i * 2 + 1] = xmax;
    weights.push(fixed);
  }
  return { bounds, weights };
}

const INV_ONE = 1 / ONE;

function clip8(v: number): number {
  const s = Math.floor(v * INV_ONE);
  return Math.max(0, Math.min(s, 255));
}

export interface ResampleWindow {
  /** Full output size of the resize. */
  outWidth: number;
  outHeight: number;
  /** The window of the output to compute (a centre crop). */
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Bicubic resize of interleaved 8-bit RGB (3 channels), computing only `win`. */
export function pilBicubicResizeRgb(
  src: Uint8Array,
  inW: number,
  inH: number,
  win: ResampleWindow,
): Uint8Array {
  const C = 3;
  const needH = win.outWidth !== inW;
  const needV = win.outHeight !== inH;
  // Horizontal pass (or a plain column crop when the width is unchanged).
  const hc = needH ? coefficients(inW, win.outWidth, win.left, win.width) : undefined;
  const vc = needV ? coefficients(inH, win.outHeight, win.top, win.height) : undefined;
  // Source rows needed by the vertical pass.
  let rowFirst = win.top;
  let rowLast = win.top + win.height;
  if (vc) {
    rowFirst = vc.bounds[0] as number;
    rowLast = (vc.bounds[(win.height - 1) * 2] as number) + (vc.bounds[(win.height - 1) * 2 + 1] as number);
  }
  const rows = rowLast - rowFirst;
  const temp = new Uint8Array(rows * win.width * C);
  for (let r = 0; r < rows; r++) {
    const srcRow = (rowFirst + r) * inW * C;
    const dstRow = r * win.width * C;
    for (let xx = 0; xx < win.width; xx++) {
      if (!hc) {
        const s = srcRow + (win.left + xx) * C;
        temp[dstRow + xx * C] = src[s] as number;
        temp[dstRow + xx * C + 1] = src[s + 1] as number;
        temp[dstRow + xx * C + 2] = src[s + 2] as number;
        continue;
      }
      const xmin = hc.bounds[xx * 2] as number;
      const n = hc.bounds[xx * 2 + 1] as number;
      const k = hc.weights[xx] as Int32Array;
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      for (let x = 0; x < n; x++) {
        const p = srcRow + (xmin + x) * C;
        const w = k[x] as number;
        s0 += (src[p] as number) * w;
        s1 += (src[p + 1] as number) * w;
        s2 += (src[p + 2] as number) * w;
      }
      temp[dstRow + xx * C] = clip8(s0);
      temp[dstRow + xx * C + 1] = clip8(s1);
      temp[dstRow + xx * C + 2] = clip8(s2);
    }
  }
  if (!vc) return temp;
  const out = new Uint8Array(win.width * win.height * C);
  const rowStride = win.width * C;
  const acc = new Float64Array(rowStride);
  for (let yy = 0; yy < win.height; yy++) {
    const ymin = (vc.bounds[yy * 2] as number) - rowFirst;
    const n = vc.bounds[yy * 2 + 1] as number;
    const k = vc.weights[yy] as Int32Array;
    acc.fill(HALF);
    // Row by row (sequential memory), the same integer sums as Pillow's per-pixel loop.
    for (let y = 0; y < n; y++) {
      const w = k[y] as number;
      const off = (ymin + y) * rowStride;
      for (let i = 0; i < rowStride; i++) acc[i] = (acc[i] as number) + (temp[off + i] as number) * w;
    }
    const o = yy * rowStride;
    for (let i = 0; i < rowStride; i++) out[o + i] = clip8(acc[i] as number);
  }
  return out;
}
