import { existsSync } from "node:fs";
import type { ImageCheckResult } from "./image-check.js";
import type { ProblemList } from "./problems.js";

/** Turns an image check into problems: a missing image folder, missing files, unreadable files. */
export function reportImageResults(
  result: ImageCheckResult,
  imageDir: string,
  total: number,
  problems: ProblemList,
  getFrom?: string,
): void {
  const where = getFrom ? ` Get the images from: ${getFrom}` : "";
  if (result.missing.length > 0 && !existsSync(imageDir)) {
    problems.error(
      "image-dir-missing",
      `The image folder ${imageDir} does not exist, so all ${result.missing.length} of ${total} listed images are missing`,
      `Put the images in ${imageDir} (split paths are relative to it).${where}`,
      { file: imageDir },
    );
  }
  problems.items({
    severity: "error",
    code: "image-missing",
    items: result.missing,
    itemIsFile: true,
    one: (file) => `Image ${file} is listed but does not exist`,
    many: (n) => `${n} of ${total} listed images do not exist under ${imageDir}`,
    fix: `Restore the missing files (or remove their entries from the split/manifest).${where}`,
  });
  problems.items({
    severity: "error",
    code: "image-unreadable",
    items: result.unreadable.map((u) => `${u.file}: ${u.reason}`),
    one: (item) => `Image cannot be decoded: ${item}`,
    many: (n) => `${n} images cannot be decoded`,
    fix: "Replace the corrupt or truncated files with good copies (or remove their entries).",
  });
  // Point `file` at the image itself when listed one by one.
  for (const p of problems.problems) {
    if (p.code === "image-unreadable" && !p.file && p.message.startsWith("Image cannot be decoded: ")) {
      const item = p.message.slice("Image cannot be decoded: ".length);
      const match = result.unreadable.find((u) => item.startsWith(`${u.file}:`));
      if (match) p.file = match.file;
    }
  }
}
