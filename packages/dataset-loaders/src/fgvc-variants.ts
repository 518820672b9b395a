import { join } from "node:path";
import { readTextFile } from "./json-file.js";
import type { ProblemList } from "./problems.js";
import type { CoopEntry, CoopSplit } from "./types.js";

/**
 * FGVC-Aircraft the way CoOp reads it (no split file): class order from `variants.txt`, and
 * `images_variant_{train,val,test}.txt` lines `<image id> <variant>` → `[<id>.jpg, label, variant]`.
 */
export async function readFgvcVariants(
  datasetDir: string,
  problems: ProblemList,
): Promise<CoopSplit | undefined> {
  const variantsFile = join(datasetDir, "variants.txt");
  const variantsText = await readTextFile(variantsFile, problems);
  if (variantsText === undefined) return undefined;
  const variants = variantsText
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const labelOf = new Map(variants.map((v, i) => [v, i]));
  const split: CoopSplit = { train: [], val: [], test: [] };
  for (const name of ["train", "val", "test"] as const) {
    const file = join(datasetDir, `images_variant_${name}.txt`);
    const text = await readTextFile(file, problems);
    if (text === undefined) continue;
    const unknown: string[] = [];
    text.split(/\r?\n/).forEach((raw, index) => {
      const line = raw.trim();
      if (!line) return;
      const [id, ...rest] = line.split(" ");
      const variant = rest.join(" ");
      const label = labelOf.get(variant);
      if (label === undefined) unknown.push(`line ${index + 1}: "${line}"`);
      else split[name].push([`${id}.jpg`, label, variant] as CoopEntry);
    });
    problems.items({
      severity: "error",
      code: "label-unknown",
      file,
      items: unknown,
      one: (item) => `Variant not in variants.txt at ${item}`,
      many: (n) => `${n} lines name a variant that is not in variants.txt`,
      fix: "Use the variants.txt that came with the same FGVC-Aircraft release.",
    });
  }
  return split;
}
