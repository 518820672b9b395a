import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { EmbedOptions, ImageSource } from "./clip-encoder.js";
import { MemoryEmbeddingCache } from "./embedding-cache.js";
import { DatasetFormatError } from "./errors.js";
import { extractFeatures } from "./features.js";
import { HashEncoder } from "./testing.js";

/** A HashEncoder that, like a real one given bytes, cannot name the file it fails to decode. */
class PickyEncoder extends HashEncoder {
  override async embedImages(images: readonly ImageSource[], options: EmbedOptions = {}) {
    images.forEach((img, i) => {
      const text = typeof img === "string" ? img : Buffer.from(img).toString("latin1");
      if (text.startsWith("corrupt")) {
        const label = typeof img === "string" ? img : `image #${i} (${img.length} bytes)`;
        throw new DatasetFormatError(`Cannot decode image ${label}: unsupported image format`, {
          cause: new Error("Input buffer contains unsupported image format"),
        });
      }
    });
    return super.embedImages(images, options);
  }
}

describe("extractFeatures", () => {
  it("a decode error names the image's file, also when the encoder was given its bytes (cache on)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vlmopt-features-"));
    const paths = ["a.png", "b.png", "c.png"].map((f) => join(dir, f));
    writeFileSync(paths[0] as string, "image a");
    writeFileSync(paths[1] as string, "corrupt b");
    writeFileSync(paths[2] as string, "image c");
    const images = paths.map((path, label) => ({ path, label }));
    const run = extractFeatures(new PickyEncoder(), images, { cache: new MemoryEmbeddingCache() });
    await expect(run).rejects.toThrow(
      `cannot decode image ${paths[1]}: Input buffer contains unsupported image format`,
    );
    await expect(
      extractFeatures(new PickyEncoder(), images, { cache: new MemoryEmbeddingCache() }),
    ).rejects.toSatisfy(
      (e) => DatasetFormatError.isInstance(e) && !String((e as Error).message).includes("image #"),
    );
  });
});
