import { readFile } from "node:fs/promises";
import type { ImageSource } from "@vlmopt/core";
import { DatasetFormatError, ModelLoadError } from "@vlmopt/core";
import sharp, { type OutputInfo } from "sharp";
import { type ChwSink, pilResizeRgb, type ResampleFilter, writeChw } from "./pil-resample.js";

/** The parts of a HF CLIPImageProcessor config (preprocessor_config.json) that are used. */
export interface PreprocessConfig {
  /**
   * "shortest": resize the short side to `shortestEdge`, then centre-crop (CLIP, OpenCLIP's
   * default); "squash": resize straight to cropWidth × cropHeight, no crop (SigLIP).
   */
  resizeMode: "shortest" | "squash";
  /** Short side after resizing. */
  shortestEdge: number;
  cropHeight: number;
  cropWidth: number;
  mean: [number, number, number];
  std: [number, number, number];
  doResize: boolean;
  doCenterCrop: boolean;
  doNormalize: boolean;
  rescaleFactor: number;
  /** Pillow's filter for the resize: bicubic (CLIP, OpenCLIP, SigLIP) or bilinear (MobileCLIP). */
  resample: ResampleFilter;
}

function triple(v: unknown, field: string, path: string): [number, number, number] {
  if (Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === "number")) {
    return v as [number, number, number];
  }
  throw new ModelLoadError(`${path}: field "${field}" must be 3 numbers, got ${JSON.stringify(v)}`, {
    hint: "Use the preprocessor_config.json of the model's HF repo",
  });
}

function sizeOf(v: unknown): { h: number; w: number; short?: number } | undefined {
  if (typeof v === "number") return { h: v, w: v, short: v };
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (typeof o.shortest_edge === "number")
      return { h: o.shortest_edge, w: o.shortest_edge, short: o.shortest_edge };
    if (typeof o.height === "number" && typeof o.width === "number") return { h: o.height, w: o.width };
  }
  return undefined;
}

// PIL.Image.Resampling: BILINEAR = 2, BICUBIC = 3 (HF image processors' "resample").
const PIL_FILTERS: Record<number, ResampleFilter> = { 2: "bilinear", 3: "bicubic" };

function unsupportedFilter(path: string, field: string, value: unknown): never {
  throw new ModelLoadError(
    `${path}: ${field} ${JSON.stringify(value)} is not supported (only bicubic and bilinear resizing are implemented)`,
    {
      hint: "vlmopt ports Pillow's bicubic and bilinear resamplers exactly; other filters would silently change the embeddings",
    },
  );
}

export function parsePreprocessConfig(json: unknown, path = "preprocessor_config.json"): PreprocessConfig {
  const o = (json ?? {}) as Record<string, unknown>;
  const size = sizeOf(o.size);
  const explicitCrop = sizeOf(o.crop_size);
  if (!size || !(explicitCrop ?? size)) {
    throw new ModelLoadError(`${path}: missing "size" / "crop_size"`, {
      hint: 'Expected e.g. "size": {"shortest_edge": 224}, "crop_size": {"height": 224, "width": 224}',
    });
  }
  const resample =
    o.resample === undefined
      ? "bicubic"
      : (PIL_FILTERS[o.resample as number] ?? unsupportedFilter(path, "resample", o.resample));
  // HF image processors: {"shortest_edge": n} resizes the short side (then crops, CLIPImageProcessor);
  // {"height", "width"} resizes to exactly that size (SiglipImageProcessor, which has no crop:
  // https://huggingface.co/google/siglip-base-patch16-224/blob/main/preprocessor_config.json).
  const squash = size.short === undefined;
  if (squash && o.do_center_crop === true) {
    throw new ModelLoadError(
      `${path}: a fixed "size" {height, width} together with do_center_crop is not supported`,
      {
        hint: 'Use "size": {"shortest_edge": n} with a crop, or a fixed size without do_center_crop (SigLIP)',
      },
    );
  }
  const crop = squash ? size : (explicitCrop ?? size);
  return {
    resizeMode: squash ? "squash" : "shortest",
    shortestEdge: size.short ?? Math.min(size.h, size.w),
    cropHeight: crop.h,
    cropWidth: crop.w,
    mean: triple(o.image_mean ?? [0.48145466, 0.4578275, 0.40821073], "image_mean", path),
    std: triple(o.image_std ?? [0.26862954, 0.26130258, 0.27577711], "image_std", path),
    doResize: o.do_resize !== false,
    doCenterCrop: !squash && o.do_center_crop !== false,
    doNormalize: o.do_normalize !== false,
    rescaleFactor: typeof o.rescale_factor === "number" ? o.rescale_factor : 1 / 255,
    resample,
  };
}

/**
 * OpenCLIP's preprocess config (open_clip.get_model_preprocess_cfg, saved by immich's exporter as
 * visual/preprocess_cfg.json): size (int or [h, w]), mean, std, interpolation, resize_mode
 * ("shortest": resize the short side and centre-crop; "squash": resize to the square), read as
 * immich's OpenClipVisualEncoder does (machine-learning/immich_ml/models/clip/visual.py in
 * immich-app/immich; resize_mode defaults to "shortest" for older configs).
 */
export function parseOpenClipPreprocessConfig(json: unknown, path = "preprocess_cfg.json"): PreprocessConfig {
  const o = (json ?? {}) as Record<string, unknown>;
  const raw = o.size;
  const [h, w] = Array.isArray(raw) ? [raw[0], raw[1] ?? raw[0]] : [raw, raw];
  if (typeof h !== "number" || typeof w !== "number") {
    throw new ModelLoadError(
      `${path}: field "size" must be a number or [height, width], got ${JSON.stringify(raw)}`,
      {
        hint: "Use the visual/preprocess_cfg.json of the model's repo (immich-app/*)",
      },
    );
  }
  const interpolation = typeof o.interpolation === "string" ? o.interpolation.toLowerCase() : "bicubic";
  if (interpolation !== "bicubic" && interpolation !== "bilinear")
    unsupportedFilter(path, "interpolation", o.interpolation);
  const mode = o.resize_mode ?? "shortest";
  if (mode !== "shortest" && mode !== "squash") {
    throw new ModelLoadError(`${path}: resize_mode ${JSON.stringify(mode)} is not supported`, {
      hint: 'Supported: "shortest" (resize the short side, centre crop) and "squash" (resize to the square)',
    });
  }
  return {
    resizeMode: mode,
    shortestEdge: Math.min(h, w),
    cropHeight: h,
    cropWidth: w,
    mean: triple(o.mean ?? [0.48145466, 0.4578275, 0.40821073], "mean", path),
    std: triple(o.std ?? [0.26862954, 0.26130258, 0.27577711], "std", path),
    doResize: true,
    doCenterCrop: mode === "shortest",
    doNormalize: true,
    rescaleFactor: 1 / 255,
    resample: interpolation === "bilinear" ? "bilinear" : "bicubic",
  };
}

export async function readPreprocessConfig(
  path: string,
  format: "hf" | "openclip" = "hf",
): Promise<PreprocessConfig> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new ModelLoadError(`Cannot read ${path}: ${(error as Error).message}`, {
      hint: "The model directory needs the preprocessor_config.json of its HF repo",
      cause: error,
    });
  }
  return format === "openclip"
    ? parseOpenClipPreprocessConfig(json, path)
    : parsePreprocessConfig(json, path);
}

/** Python's round() (half to even), as torchvision's CenterCrop uses. */
function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Size after "resize the short side to `edge`" (long side truncated, as torchvision and HF do). */
export function resizedSize(width: number, height: number, edge: number): { width: number; height: number } {
  if (width <= height) return { width: edge, height: Math.floor((edge * height) / width) };
  return { width: Math.floor((edge * width) / height), height: edge };
}

function describe(src: ImageSource, index: number): string {
  return typeof src === "string" ? src : `image #${index} (${src.length} bytes)`;
}

/** Reads (a path) and decodes an image to 8-bit RGB with sharp: EXIF orientation, sRGB, no alpha. */
async function decodeRgb(
  src: ImageSource,
  index: number,
): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  const label = describe(src, index);
  let bytes: Uint8Array;
  if (typeof src === "string") {
    try {
      bytes = await readFile(src);
    } catch (error) {
      throw new DatasetFormatError(`Cannot read image ${src}: ${(error as Error).message}`, {
        hint: "Check that the file exists and is readable",
        cause: error,
      });
    }
  } else {
    bytes = src;
  }
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await sharp(bytes)
      .rotate()
      .toColourspace("srgb")
      .removeAlpha()
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    if (decoded.info.channels !== 3)
      throw new Error(`decoded to ${decoded.info.channels} channels, expected 3`);
  } catch (error) {
    throw new DatasetFormatError(`Cannot decode image ${label}: ${(error as Error).message}`, {
      hint: "Expected a readable JPEG, PNG or WebP file; re-export or remove the image",
      cause: error,
    });
  }
  const { data, info } = decoded;
  return {
    rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
  };
}

/**
 * Resizes and crops decoded RGB as `cfg` says: squash straight to the model's size, or resize the
 * short side and centre-crop with torchvision's rounding (zero padding when smaller than the
 * crop). With `into`, the result is written there as normalised CHW floats and nothing is returned.
 */
function resizeAndCrop(
  src8: Uint8Array,
  w0: number,
  h0: number,
  cfg: PreprocessConfig,
  into?: ChwSink,
): { rgb: Uint8Array; width: number; height: number } | undefined {
  const filter = cfg.resample ?? "bicubic";
  if (cfg.resizeMode === "squash" && cfg.doResize) {
    // Resize straight to the model's size (aspect ratio not kept), no crop.
    const win = {
      outWidth: cfg.cropWidth,
      outHeight: cfg.cropHeight,
      left: 0,
      top: 0,
      width: cfg.cropWidth,
      height: cfg.cropHeight,
    };
    const rgb = pilResizeRgb(src8, w0, h0, win, filter, into);
    return rgb && { rgb, width: cfg.cropWidth, height: cfg.cropHeight };
  }
  const { width: w, height: h } = cfg.doResize
    ? resizedSize(w0, h0, cfg.shortestEdge)
    : { width: w0, height: h0 };
  const cw = cfg.doCenterCrop ? cfg.cropWidth : w;
  const ch = cfg.doCenterCrop ? cfg.cropHeight : h;
  if (w >= cw && h >= ch) {
    const win = {
      outWidth: w,
      outHeight: h,
      left: pyRound((w - cw) / 2),
      top: pyRound((h - ch) / 2),
      width: cw,
      height: ch,
    };
    const rgb = pilResizeRgb(src8, w0, h0, win, filter, into);
    return rgb && { rgb, width: cw, height: ch };
  }
  // Smaller than the crop: resize fully, then pad with zeros around it (torchvision's CenterCrop).
  const full = pilResizeRgb(
    src8,
    w0,
    h0,
    { outWidth: w, outHeight: h, left: 0, top: 0, width: w, height: h },
    filter,
  ) as Uint8Array;
  const out = new Uint8Array(cw * ch * 3);
  const padTop = Math.floor((ch - h) / 2);
  const padLeft = Math.floor((cw - w) / 2);
  const top = Math.max(0, pyRound((h - ch) / 2));
  const left = Math.max(0, pyRound((w - cw) / 2));
  for (let y = 0; y < Math.min(h, ch); y++)
    for (let x = 0; x < Math.min(w, cw); x++)
      for (let c = 0; c < 3; c++)
        out[((y + Math.max(0, padTop)) * cw + x + Math.max(0, padLeft)) * 3 + c] = full[
          ((y + top) * w + x + left) * 3 + c
        ] as number;
  if (!into) return { rgb: out, width: cw, height: ch };
  writeChw(out, cw * ch, into);
  return undefined;
}

/**
 * Decodes an image and returns its 8-bit RGB pixels after the model's resize and crop:
 * sharp decodes it, applies the EXIF orientation, converts to sRGB, drops alpha and expands
 * grayscale to RGB; then the short side is resized to `shortestEdge` with Pillow's exact
 * bicubic or bilinear (see pil-resample.ts) and the centre is cropped with torchvision's
 * rounding, as OpenAI's clip.py does (or the image is squashed to the model's size).
 */
export async function decodeAndCrop(
  src: ImageSource,
  cfg: PreprocessConfig,
  index = 0,
): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  const { rgb, width, height } = await decodeRgb(src, index);
  return resizeAndCrop(rgb, width, height, cfg) as { rgb: Uint8Array; width: number; height: number };
}

/** The per-channel scale and shift that normalisation applies: x · scale − shift. */
function normalization(cfg: PreprocessConfig): {
  scale: [number, number, number];
  shift: [number, number, number];
} {
  const scale: [number, number, number] = [0, 0, 0];
  const shift: [number, number, number] = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    const std = cfg.std[c] as number;
    scale[c] = cfg.doNormalize ? cfg.rescaleFactor / std : cfg.rescaleFactor;
    shift[c] = cfg.doNormalize ? (cfg.mean[c] as number) / std : 0;
  }
  return { scale, shift };
}

/** Writes one image as normalised CHW float32 into `out` at `offset`. */
export function normalizeToChw(
  rgb: Uint8Array,
  width: number,
  height: number,
  cfg: PreprocessConfig,
  out: Float32Array,
  offset: number,
): void {
  writeChw(rgb, width * height, { out, offset, ...normalization(cfg) });
}

/**
 * Decode, resize, crop and normalise one image into `out` (NCHW) at `offset`. The resizer's
 * vertical pass writes the normalised floats straight into `out` (no 8-bit crop buffer and no
 * second pass over it); the values equal decodeAndCrop + normalizeToChw.
 */
export async function preprocessImage(
  src: ImageSource,
  cfg: PreprocessConfig,
  out: Float32Array,
  offset: number,
  index = 0,
): Promise<void> {
  const { rgb, width, height } = await decodeRgb(src, index);
  resizeAndCrop(rgb, width, height, cfg, { out, offset, ...normalization(cfg) });
}
