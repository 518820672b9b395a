import { join } from "node:path";
import sharp from "sharp";
import { jpeg, write } from "./fixtures.test-helper.js";

let tiny: Buffer | undefined;
/** A 2×2 JPEG (made once). */
export async function tinyJpeg(): Promise<Buffer> {
  tiny ??= await sharp({ create: { width: 2, height: 2, channels: 3, background: { r: 200, g: 30, b: 60 } } })
    .jpeg()
    .toBuffer();
  return tiny;
}

export interface FakeImageNet {
  datasetDir: string;
  imageDir: string;
  /** Relative paths (to imageDir) of the test (val) images, in label order. */
  test: string[];
  /** Relative paths of the train images, in label order. */
  train: string[];
}

/**
 * A tiny ImageNet in CoOp's layout under `root`: `imagenet/images/val/<wnid>/<wnid>_val_<n>.JPEG`
 * (`val` per class) and `imagenet/images/train/<wnid>/<wnid>_<n>.JPEG` (`train` per class), plus
 * `imagenet/classnames.txt` ("wnid name" lines) when `classNames` is given. Images differ in their
 * bytes (up to 1,024 of them) unless `sameBytes` (faster for many files).
 */
export async function fakeImageNet(
  root: string,
  wnids: readonly string[],
  options: { val?: number; train?: number; classNames?: readonly string[]; sameBytes?: boolean } = {},
): Promise<FakeImageNet> {
  const datasetDir = join(root, "imagenet");
  const imageDir = join(datasetDir, "images");
  const img = await tinyJpeg();
  const test: string[] = [];
  const train: string[] = [];
  for (const wnid of wnids) {
    for (let n = 1; n <= (options.val ?? 2); n++) test.push(`val/${wnid}/${wnid}_val_${n}.JPEG`);
    for (let n = 1; n <= (options.train ?? 3); n++) train.push(`train/${wnid}/${wnid}_${n}.JPEG`);
  }
  for (const [i, rel] of [...test, ...train].entries()) {
    write(join(imageDir, rel), options.sameBytes ? img : await jpeg(i % 256, 20 + Math.floor(i / 256) * 50));
  }
  if (options.classNames) {
    const names = options.classNames;
    write(join(datasetDir, "classnames.txt"), `${wnids.map((w, i) => `${w} ${names[i]}`).join("\n")}\n`);
  }
  return { datasetDir, imageDir, test, train };
}
