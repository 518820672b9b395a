/**
 * Pillow's 8-bit resampling (Resample.c) in TypeScript, for its BICUBIC and BILINEAR filters:
 * the same filters (bicubic a = -0.5, support 2; bilinear a triangle, support 1; both scaled by
 * the reduction factor, i.e. antialiased), the same coefficient bounds, the same 22-bit
 * fixed-point rounding and the same two passes (horizontal, then vertical, with an 8-bit
 * intermediate). Only the output window asked for is computed, which gives the same pixels as
 * resizing the whole image and cropping afterwards.
 * (https://github.com/python-pillow/Pillow/blob/main/src/libImaging/Resample.c: bicubic_filter,
 * bilinear_filter, precompute_coeffs, normalize_coeffs_8bpc, ImagingResampleHorizontal_8bpc /
 * ImagingResampleVertical_8bpc.)
 */
const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

/** Pillow's resampling filters implemented here (PIL.Image.Resampling.BILINEAR = 2, BICUBIC = 3). */
export type ResampleFilter = "bicubic" | "bilinear";

function bicubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

function bilinear(x: number): number {
  const t = Math.abs(x);
  return t < 1 ? 1 - t : 0;
}

const FILTERS: Record<ResampleFilter, { fn: (x: number) => number; support: number }> = {
  bicubic: { fn: bicubic, support: 2 },
  bilinear: { fn: bilinear, support: 1 },
};

interface Coeffs {
  /** [xmin, count] per output pixel. */
  bounds: Int32Array;
  /** All fixed-point weights, `stride` per output pixel (one flat array: no per-pixel objects). */
  weights: Int32Array;
  stride: number;
}

const coeffCache = new Map<string, Coeffs>();

/** Coefficients for output pixels [from, from + count) of an inSize → outSize resize (memoised). */
function coefficients(
  inSize: number,
  outSize: number,
  from: number,
  count: number,
  filter: ResampleFilter,
): Coeffs {
  const key = `${filter}:${inSize}:${outSize}:${from}:${count}`;
  const hit = coeffCache.get(key);
  if (hit) return hit;
  const made = computeCoefficients({ inSize, outSize, from, count, filter });
  if (coeffCache.size >= 64) coeffCache.clear();
  coeffCache.set(key, made);
  return made;
}

function computeCoefficients(r: {
  inSize: number;
  outSize: number;
  from: number;
  count: number;
  filter: ResampleFilter;
}): Coeffs {
  const { inSize, outSize, from, count, filter } = r;
  const { fn, support: baseSupport } = FILTERS[filter];
  const scale = inSize / outSize;
  const filterScale = Math.max(1, scale);
  const support = baseSupport * filterScale;
  const stride = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(count * 2);
  const weights = new Int32Array(count * stride);
  const k = new Float64Array(stride);
  for (let i = 0; i < count; i++) {
    const xx = from + i;
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterScale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = fn((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0 ? (k[x] as number) / ww : (k[x] as number);
      weights[i * stride + x] = v < 0 ? Math.trunc(-0.5 + v * ONE) : Math.trunc(0.5 + v * ONE);
    }
    bounds[i * 2] = xmin;
    bounds[i * 2 + 1] = xmax;
  }
  return { bounds, weights, stride };
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

/**
 * Where a resize can write its result directly as normalised float32 planes (CHW):
 * `out[offset + c·width·height + i] = pixel[i][c] · scale[c] − shift[c]`, the same arithmetic as
 * image-preprocess.ts's normalizeToChw, without the 8-bit output buffer and second pass.
 */
export interface ChwSink {
  out: Float32Array;
  offset: number;
  scale: readonly [number, number, number];
  shift: readonly [number, number, number];
}

/** Bicubic resize of interleaved 8-bit RGB (3 channels), computing only `win`. */
export function pilBicubicResizeRgb(
  src: Uint8Array,
  inW: number,
  inH: number,
  win: ResampleWindow,
): Uint8Array {
  return pilResizeRgb(src, inW, inH, win, "bicubic") as Uint8Array;
}

/**
 * Pillow's resize of interleaved 8-bit RGB with `filter`, computing only `win`: the window's
 * interleaved RGB bytes, or — with `into` — nothing, the window written into `into` as
 * normalised CHW floats.
 */
export function pilResizeRgb(
  src: Uint8Array,
  inW: number,
  inH: number,
  win: ResampleWindow,
  filter: ResampleFilter,
  into?: ChwSink,
): Uint8Array | undefined {
  const C = 3;
  const needH = win.outWidth !== inW;
  const needV = win.outHeight !== inH;
  // Horizontal pass (or a plain column crop when the width is unchanged).
  const hc = needH ? coefficients(inW, win.outWidth, win.left, win.width, filter) : undefined;
  const vc = needV ? coefficients(inH, win.outHeight, win.top, win.height, filter) : undefined;
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
    if (!hc) {
      temp.set(src.subarray(srcRow + win.left * C, srcRow + (win.left + win.width) * C), dstRow);
      continue;
    }
    const { bounds, weights, stride } = hc;
    for (let xx = 0; xx < win.width; xx++) {
      const xmin = bounds[xx * 2] as number;
      const n = bounds[xx * 2 + 1] as number;
      const kw = xx * stride;
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      let p = srcRow + xmin * C;
      for (let x = 0; x < n; x++, p += C) {
        const w = weights[kw + x] as number;
        s0 += (src[p] as number) * w;
        s1 += (src[p + 1] as number) * w;
        s2 += (src[p + 2] as number) * w;
      }
      const o = dstRow + xx * C;
      temp[o] = clip8(s0);
      temp[o + 1] = clip8(s1);
      temp[o + 2] = clip8(s2);
    }
  }
  const plane = win.width * win.height;
  if (!vc) {
    if (!into) return temp;
    writeChw(temp, plane, into);
    return undefined;
  }
  const out = into ? undefined : new Uint8Array(plane * C);
  const rowStride = win.width * C;
  const acc = new Float64Array(rowStride);
  const { bounds, weights, stride } = vc;
  for (let yy = 0; yy < win.height; yy++) {
    const ymin = (bounds[yy * 2] as number) - rowFirst;
    const n = bounds[yy * 2 + 1] as number;
    const kw = yy * stride;
    acc.fill(HALF);
    // Row by row (sequential memory), the same integer sums as Pillow's per-pixel loop.
    for (let y = 0; y < n; y++) {
      const w = weights[kw + y] as number;
      const off = (ymin + y) * rowStride;
      for (let i = 0; i < rowStride; i++) acc[i] = (acc[i] as number) + (temp[off + i] as number) * w;
    }
    if (out) {
      const o = yy * rowStride;
      for (let i = 0; i < rowStride; i++) out[o + i] = clip8(acc[i] as number);
    } else {
      const sink = into as ChwSink;
      const base = sink.offset + yy * win.width;
      for (let c = 0; c < C; c++) {
        const scale = sink.scale[c] as number;
        const shift = sink.shift[c] as number;
        const o = base + c * plane;
        for (let x = 0; x < win.width; x++) sink.out[o + x] = clip8(acc[x * C + c] as number) * scale - shift;
      }
    }
  }
  return out;
}

/** Interleaved RGB bytes → normalised CHW floats (the sink's arithmetic). */
export function writeChw(rgb: Uint8Array, plane: number, into: ChwSink): void {
  for (let c = 0; c < 3; c++) {
    const scale = into.scale[c] as number;
    const shift = into.shift[c] as number;
    const base = into.offset + c * plane;
    for (let i = 0; i < plane; i++) into.out[base + i] = (rgb[i * 3 + c] as number) * scale - shift;
  }
}
