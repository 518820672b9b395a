import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeAndCrop, parsePreprocessConfig } from "./image-preprocess.js";
import { pilBicubicResizeRgb, pilResizeRgb, type ResampleWindow } from "./pil-resample.js";
import { gradientImage } from "./test-images.js";

/**
 * Pixel-exact agreement with Pillow itself, run here: the port follows Pillow's
 * src/libImaging/Resample.c (https://github.com/python-pillow/Pillow/blob/main/src/libImaging/Resample.c:
 * precompute_coeffs, normalize_coeffs_8bpc, ImagingResampleHorizontal/Vertical_8bpc), which is what
 * `Image.resize(size, Image.BICUBIC)` runs — the call OpenAI's clip.py makes through torchvision's
 * Resize on a PIL image. Reference pixels come from Debian's python3-pil at test time.
 */

/** The first Python that can import PIL (only $VLMOPT_PYTHON when set), or null. */
function findPythonWithPil(): string | null {
  const candidates = process.env.VLMOPT_PYTHON
    ? [process.env.VLMOPT_PYTHON]
    : ["python3", "/usr/bin/python3"];
  for (const py of candidates) {
    const r = spawnSync(py, ["-c", "import PIL.Image"], { encoding: "utf8" });
    if (r.status === 0) return py;
  }
  return null;
}

const python = findPythonWithPil();
const required = process.env.CI === "true";
if (!python && !required)
  console.warn(
    "[clip-embedding] python3-pil absent (apt-get install -y python3-pil): Pillow pixel test skipped",
  );

// Reads cases as JSON on stdin, answers one base64 RGB buffer per case.
const PIL_SCRIPT = `
import base64, json, sys
from PIL import Image
R = getattr(Image, "Resampling", Image)
out = []
for c in json.load(sys.stdin):
    if "path" in c:
        im = Image.open(c["path"]).convert("RGB")
    else:
        im = Image.frombytes("RGB", (c["w"], c["h"]), base64.b64decode(c["data"]))
    im = im.resize((c["ow"], c["oh"]), R.BILINEAR if c.get("filter") == "bilinear" else R.BICUBIC)
    if c.get("box"):
        im = im.crop(tuple(c["box"]))
    out.append(base64.b64encode(im.tobytes()).decode())
json.dump(out, sys.stdout)
`;

interface PilCase {
  w?: number;
  h?: number;
  data?: string;
  path?: string;
  ow: number;
  oh: number;
  box?: [number, number, number, number];
  filter?: "bilinear";
}

function pillow(cases: PilCase[]): Uint8Array[] {
  if (!python) throw new Error("python3 with PIL is required");
  const r = spawnSync(python, ["-c", PIL_SCRIPT], {
    input: JSON.stringify(cases),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`python3 (Pillow) failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as string[]).map((b) => new Uint8Array(Buffer.from(b, "base64")));
}

/** Noise on top of gradients, with hard 0/255 edges so clipping and rounding both matter. */
function testImage(w: number, h: number, seed: number): Uint8Array {
  let s = seed;
  const px = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) {
        s = (s * 1103515245 + 12345) % 2147483648;
        const v = (x * (3 + c) + y * 5 + (s % 64)) % 256;
        px[(y * w + x) * 3 + c] = (x + y) % 17 === 0 ? 255 : (x * 3 + y) % 23 === 0 ? 0 : v;
      }
  return px;
}

/** Index and values of the first differing byte, for a readable failure. */
function firstDiff(a: Uint8Array, b: Uint8Array): string {
  if (a.length !== b.length) return `lengths ${a.length} vs ${b.length}`;
  let count = 0;
  let first = -1;
  for (let i = 0; i < a.length; i++)
    if (a[i] !== b[i]) {
      count++;
      if (first < 0) first = i;
    }
  return count === 0
    ? "identical"
    : `${count} of ${a.length} bytes differ; first at pixel ${Math.floor(first / 3)} channel ${first % 3}: ${a[first]} vs Pillow ${b[first]}`;
}

describe.skipIf(!python && !required)("pilBicubicResizeRgb against Pillow (pixel-exact)", () => {
  const dir = mkdtempSync(join(tmpdir(), "vlmopt-pil-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("has python3 with Pillow (CI=true requires it: apt-get install -y python3-pil)", () => {
    expect(python, "no python3 could import PIL").not.toBeNull();
  });

  // [input w, h, output w, h, what it exercises]
  const shapes: [number, number, number, number, string][] = [
    [131, 89, 37, 25, "downscale (antialiased, wide support)"],
    [23, 17, 64, 47, "upscale"],
    [40, 90, 40, 31, "height only (no horizontal pass)"],
    [90, 40, 31, 40, "width only (no vertical pass)"],
    [50, 30, 80, 19, "up one axis, down the other"],
    [300, 7, 224, 3, "thin strip"],
  ];
  it.each(shapes)("%i×%i → %i×%i: %s", (w, h, ow, oh) => {
    const src = testImage(w, h, w * 31 + h);
    const [want] = pillow([{ w, h, data: Buffer.from(src).toString("base64"), ow, oh }]);
    const got = pilBicubicResizeRgb(src, w, h, {
      outWidth: ow,
      outHeight: oh,
      left: 0,
      top: 0,
      width: ow,
      height: oh,
    });
    expect(firstDiff(got, want as Uint8Array)).toBe("identical");
  });

  // PIL BILINEAR: the filter of MobileCLIP's transform (apple/ml-mobileclip mobileclip/__init__.py:
  // Resize(256, interpolation=InterpolationMode.BILINEAR), CenterCrop(256), ToTensor()).
  it.each(shapes)("bilinear %i×%i → %i×%i: %s", (w, h, ow, oh) => {
    const src = testImage(w, h, w * 17 + h);
    const [want] = pillow([{ w, h, data: Buffer.from(src).toString("base64"), ow, oh, filter: "bilinear" }]);
    const win = { outWidth: ow, outHeight: oh, left: 0, top: 0, width: ow, height: oh };
    const got = pilResizeRgb(src, w, h, win, "bilinear") as Uint8Array;
    expect(firstDiff(got, want as Uint8Array)).toBe("identical");
  });

  it("writing normalised CHW floats directly gives the bytes' values", () => {
    const [w, h] = [131, 89];
    const src = testImage(w, h, 3);
    for (const win of [
      { outWidth: 61, outHeight: 41, left: 10, top: 4, width: 37, height: 29 },
      { outWidth: w, outHeight: 40, left: 0, top: 0, width: w, height: 40 },
      { outWidth: 50, outHeight: h, left: 3, top: 0, width: 40, height: h },
    ]) {
      const rgb = pilResizeRgb(src, w, h, win, "bicubic") as Uint8Array;
      const plane = win.width * win.height;
      const out = new Float32Array(5 + 3 * plane);
      const scale = [1 / 255 / 0.26, 1 / 255 / 0.5, 1 / 255] as const;
      const shift = [0.48 / 0.26, 1, 0] as const;
      expect(pilResizeRgb(src, w, h, win, "bicubic", { out, offset: 5, scale, shift })).toBeUndefined();
      for (let i = 0; i < plane; i++)
        for (let c = 0; c < 3; c++)
          expect(out[5 + c * plane + i]).toBe(
            Math.fround((rgb[i * 3 + c] as number) * (scale[c] as number) - (shift[c] as number)),
          );
    }
  });

  it("a window of the output equals Pillow's full resize, then crop", () => {
    const w = 173;
    const h = 97;
    const src = testImage(w, h, 9);
    const windows: ResampleWindow[] = [
      { outWidth: 91, outHeight: 51, left: 20, top: 0, width: 51, height: 51 },
      { outWidth: 61, outHeight: 34, left: 5, top: 7, width: 13, height: 20 },
      { outWidth: 400, outHeight: 224, left: 88, top: 0, width: 224, height: 224 },
    ];
    const data = Buffer.from(src).toString("base64");
    const wants = pillow(
      windows.map((win) => ({
        w,
        h,
        data,
        ow: win.outWidth,
        oh: win.outHeight,
        box: [win.left, win.top, win.left + win.width, win.top + win.height],
      })),
    );
    windows.forEach((win, i) => {
      const got = pilBicubicResizeRgb(src, w, h, win);
      expect(firstDiff(got, wants[i] as Uint8Array), JSON.stringify(win)).toBe("identical");
    });
  });

  it("decodeAndCrop of a PNG equals clip.py's Resize(224) + CenterCrop(224) in Pillow", async () => {
    const cfg = parsePreprocessConfig({
      size: { shortest_edge: 224 },
      crop_size: { height: 224, width: 224 },
      image_mean: [0.5, 0.5, 0.5],
      image_std: [0.5, 0.5, 0.5],
    });
    const path = join(dir, "gradient.png");
    writeFileSync(path, await gradientImage(500, 375, "png", 5));
    const { rgb } = await decodeAndCrop(path, cfg);
    // torchvision: long side int(224 · 500 / 375) = 298; crop left int(round((298 − 224) / 2)) = 37.
    const [want] = pillow([{ path, ow: 298, oh: 224, box: [37, 0, 261, 224] }]);
    expect(firstDiff(rgb, want as Uint8Array)).toBe("identical");
  });
});
