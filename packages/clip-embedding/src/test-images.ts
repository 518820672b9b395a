/** Small synthetic images for tests (gradients, so resizing and cropping matter). */
import sharp from "sharp";

export async function gradientImage(
  width: number,
  height: number,
  format: "png" | "jpeg" | "webp",
  seed = 0,
  channels: 1 | 3 | 4 = 3,
): Promise<Uint8Array> {
  const raw = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) {
        raw[(y * width + x) * channels + c] =
          c === 3 ? 128 + ((x * 7) % 128) : (x * (3 + c) + y * (5 + seed) + seed * 40 + ((x * y) % 31)) % 256;
      }
  const img = sharp(raw, { raw: { width, height, channels } });
  const out =
    format === "png"
      ? img.png()
      : format === "jpeg"
        ? img.jpeg({ quality: 95 })
        : img.webp({ lossless: true });
  return new Uint8Array(await out.toBuffer());
}
