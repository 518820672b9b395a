import { DatasetFormatError } from "@vlmopt/core";

/** A vendor's limits on one image. */
export interface ImageLimits {
  /** Largest encoded size accepted, in bytes (before base64). */
  maxBytes?: number;
  /** Largest width × height accepted. */
  maxPixels?: number;
  /** Encodings the API accepts as they are; anything else is re-encoded to JPEG. */
  acceptedTypes?: readonly string[];
}

/** An image ready to send: encoded bytes, their MIME type, base64 and a data URI. */
export interface PreparedImage {
  bytes: Uint8Array;
  mime: string;
  base64: string;
  dataUri: string;
  /** True when it was resized or re-encoded to fit the vendor's limits. */
  refitted: boolean;
}

/** The MIME type of encoded image bytes from their magic number, or null. */
export function sniffImageType(bytes: Uint8Array): string | null {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "image/png";
  if (b.length >= 12 && String.fromCharCode(...b.subarray(0, 4)) === "RIFF") {
    if (String.fromCharCode(...b.subarray(8, 12)) === "WEBP") return "image/webp";
  }
  if (b.length >= 6 && String.fromCharCode(...b.subarray(0, 4)) === "GIF8") return "image/gif";
  return null;
}

const DEFAULT_TYPES = ["image/jpeg", "image/png", "image/webp"];

function prepared(bytes: Uint8Array, mime: string, refitted: boolean): PreparedImage {
  const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  return { bytes, mime, base64, dataUri: `data:${mime};base64,${base64}`, refitted };
}

/**
 * Makes an image fit a vendor's limits. An image already within them (type accepted, size and
 * pixel count under the limits) is sent byte for byte. Otherwise it is decoded with sharp
 * (imported only then) and re-encoded as JPEG (quality 90), scaled down (aspect ratio kept, never
 * up) until it has at most `maxPixels` pixels, and re-encoded at lower quality (80, 70, 60) and
 * then smaller sizes until it is under `maxBytes`. The cache key is the ORIGINAL bytes' hash, so
 * the refit is deterministic per image and model. `index` names the image in errors.
 */
export async function fitImage(
  bytes: Uint8Array,
  limits: ImageLimits,
  index: number,
): Promise<PreparedImage> {
  const type = sniffImageType(bytes);
  const accepted = limits.acceptedTypes ?? DEFAULT_TYPES;
  const pixelsKnownOk = limits.maxPixels === undefined;
  const sizeOk = limits.maxBytes === undefined || bytes.length <= limits.maxBytes;
  if (type && accepted.includes(type) && sizeOk && pixelsKnownOk) return prepared(bytes, type, false);
  const { default: sharp } = await import("sharp");
  let meta: { width?: number | undefined; height?: number | undefined };
  try {
    meta = await sharp(bytes).metadata();
  } catch (error) {
    throw new DatasetFormatError(`image #${index} (${bytes.length} bytes) cannot be decoded`, {
      cause: error,
      hint: "replace or remove the corrupt file",
    });
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  const pixelsOk = limits.maxPixels === undefined || w * h <= limits.maxPixels;
  if (type && accepted.includes(type) && sizeOk && pixelsOk) return prepared(bytes, type, false);
  let scale = pixelsOk ? 1 : Math.sqrt((limits.maxPixels as number) / (w * h));
  for (let round = 0; round < 12; round++) {
    for (const quality of [90, 80, 70, 60]) {
      const width = Math.max(1, Math.floor(w * scale));
      const height = Math.max(1, Math.floor(h * scale));
      const out = await sharp(bytes)
        .rotate()
        .resize({ width, height, fit: "fill" })
        .flatten({ background: "#ffffff" })
        .jpeg({ quality })
        .toBuffer();
      if (limits.maxBytes === undefined || out.length <= limits.maxBytes) {
        return prepared(new Uint8Array(out), "image/jpeg", true);
      }
    }
    scale *= 0.75;
  }
  throw new DatasetFormatError(
    `image #${index} (${bytes.length} bytes, ${w}×${h}) cannot be made smaller than ${limits.maxBytes} bytes`,
    { hint: "resize the image yourself" },
  );
}
