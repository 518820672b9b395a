import { opendir } from "node:fs/promises";
import { extname } from "node:path";
import { IMAGE_EXTENSIONS } from "./own-data-options.js";

/** What one folder holds: sub-folder names and image file names (sorted), hidden entries skipped. */
export interface FolderListing {
  dirs: string[];
  images: string[];
}

/**
 * Lists one folder (not recursively) by streaming its entries with `opendir`, so a folder with
 * a very large number of entries is never read into one array of Dirent objects at once. With
 * `countOnly`, image names are counted, not kept (`images` stays empty). Throws when unreadable.
 */
export async function listFolder(
  dir: string,
  options: { countOnly?: boolean } = {},
): Promise<FolderListing & { imageCount: number }> {
  const dirs: string[] = [];
  const images: string[] = [];
  let imageCount = 0;
  const handle = await opendir(dir, { bufferSize: 256 });
  for await (const entry of handle) {
    if (entry.name.startsWith(".")) continue;
    if (entry.isDirectory()) dirs.push(entry.name);
    else if (IMAGE_EXTENSIONS.includes(extname(entry.name).toLowerCase())) {
      imageCount++;
      if (!options.countOnly) images.push(entry.name);
    }
  }
  return { dirs: dirs.sort(), images: images.sort(), imageCount };
}
