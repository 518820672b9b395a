import type { LabeledImage } from "@vlmopt/core";

/**
 * At most `max` images, class-balanced: classes take turns (in label order), each giving its
 * images in split order. Deterministic; the whole split when it is small enough.
 */
export function balancedSubset(images: readonly LabeledImage[], max: number | undefined): LabeledImage[] {
  if (max === undefined || images.length <= max) return images.slice();
  const byClass = new Map<number, LabeledImage[]>();
  for (const img of images) byClass.set(img.label, [...(byClass.get(img.label) ?? []), img]);
  const queues = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list);
  const out: LabeledImage[] = [];
  for (let i = 0; out.length < max; i++) {
    let added = false;
    for (const q of queues) {
      const img = q[i];
      if (img && out.length < max) {
        out.push(img);
        added = true;
      }
    }
    if (!added) break;
  }
  return out;
}
