// Builds the embedded `demo` dataset (packages/dataset-loaders/demo/) from the shared EuroSAT copy.
// Usage: node scripts/build-demo.mjs [<eurosat dir, default ../../../shared/datasets/eurosat>] [<out dir, default demo>]
// Reproducible: the same shared folder gives byte-identical output (no dates, no randomness).
//
// What it takes (see the generated demo/SOURCE.md):
// - train/val: the union of CoOp's 1-shot train/val lists for seeds 1-3 (split_fewshot/shot_1-seed_S.json),
//   and those three lists themselves, so `--shots 1 --seed S` gives CoOp's exact 1-shot sets;
// - test: TEST_PER_CLASS images of each class from CoOp's test split, evenly spaced over the class's
//   entries sorted by path (class-balanced, deterministic);
// - every image byte-identical (original 64x64 JPEGs); classnames.txt in CoOp's label order.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const from = resolve(process.argv[2] ?? join(here, "../../../../shared/datasets/eurosat"));
const out = resolve(process.argv[3] ?? join(here, "../demo"));
const TEST_PER_CLASS = 30;
const SEEDS = [1, 2, 3];

if (!existsSync(join(from, "split.json"))) {
  console.error(
    `build-demo: ${join(from, "split.json")} not found — pass the shared eurosat folder as the first argument`,
  );
  process.exit(1);
}
const readJson = (p) => JSON.parse(readFileSync(p, "utf8"));
const split = readJson(join(from, "split.json"));
const classNames = readFileSync(join(from, "classnames.txt"), "utf8").split("\n").filter(Boolean);

const fewshot = new Map();
for (const seed of SEEDS)
  fewshot.set(seed, readJson(join(from, "split_fewshot", `shot_1-seed_${seed}.json`)));

const byPath = (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
function union(key) {
  const seen = new Map();
  for (const sample of fewshot.values()) for (const e of sample[key]) seen.set(e[0], e);
  return [...seen.values()].sort((a, b) => a[1] - b[1] || byPath(a, b));
}
const train = union("train");
const val = union("val");
const test = [];
for (let label = 0; label < classNames.length; label++) {
  const entries = split.test.filter((e) => e[1] === label).sort(byPath);
  if (entries.length < TEST_PER_CLASS)
    throw new Error(`class ${label} has only ${entries.length} test images`);
  for (let i = 0; i < TEST_PER_CLASS; i++)
    test.push(entries[Math.floor((i * entries.length) / TEST_PER_CLASS)]);
}
const trainVal = new Set([...train, ...val].map((e) => e[0]));
for (const e of test) if (trainVal.has(e[0])) throw new Error(`${e[0]} is in train/val and test`);

const tmp = `${out}.tmp-${process.pid}`;
rmSync(tmp, { recursive: true, force: true });
mkdirSync(join(tmp, "split_fewshot"), { recursive: true });
let bytes = 0;
const files = [...new Set([...train, ...val, ...test].map((e) => e[0]))].sort();
for (const rel of files) {
  const dest = join(tmp, "images", rel);
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(join(from, "images", rel), dest);
  bytes += statSync(dest).size;
}
// One entry per line, as the repo's formatter (Biome) writes it: small diffs, still CoOp's JSON.
const entry = (e) => `[${e.map((v) => JSON.stringify(v)).join(", ")}]`;
const list = (entries) => `[\n${entries.map((e) => `    ${entry(e)}`).join(",\n")}\n  ]`;
const splitJson = (parts) =>
  `{\n${Object.entries(parts)
    .map(([k, v]) => `  ${JSON.stringify(k)}: ${list(v)}`)
    .join(",\n")}\n}\n`;
writeFileSync(join(tmp, "split.json"), splitJson({ train, val, test }));
for (const [seed, sample] of fewshot)
  writeFileSync(
    join(tmp, "split_fewshot", `shot_1-seed_${seed}.json`),
    splitJson({ train: sample.train, val: sample.val }),
  );
writeFileSync(join(tmp, "classnames.txt"), `${classNames.join("\n")}\n`);
writeFileSync(
  join(tmp, "SOURCE.md"),
  `# demo: a small EuroSAT subset shipped with @vlmopt/dataset-loaders

Real Sentinel-2 RGB satellite images (64x64 JPEG, 10 classes) from EuroSAT, so \`vlmopt optimize --dataset demo\`
runs on a fresh clone without downloading anything. Made by \`node scripts/build-demo.mjs\` from the shared EuroSAT
copy (\`../shared/datasets/eurosat\`, see its SOURCE.md); rerunning it gives the same files.

## Contents

- \`images/<ClassFolder>/<file>.jpg\`: ${files.length} original EuroSAT JPEGs, byte-identical, ${(bytes / 1e6).toFixed(2)} MB.
- \`split.json\` (CoOp format \`[relpath, label, classname]\`):
  - \`train\`: ${train.length} images, the union of CoOp's 1-shot train lists for seeds 1-3;
  - \`val\`: ${val.length} images, the union of CoOp's 1-shot val lists for seeds 1-3;
  - \`test\`: ${test.length} images, ${TEST_PER_CLASS} per class from CoOp's EuroSAT test split (evenly spaced over each
    class's entries sorted by path). No test image is in train/val.
- \`split_fewshot/shot_1-seed_{1,2,3}.json\`: CoOp's exact 1-shot train/val sets, so \`--shots 1 --seed S\` uses them.
- \`classnames.txt\`: CoOp's renamed EuroSAT classes, in label order.

Accuracy on this ${test.length}-image test subset is not comparable with published EuroSAT numbers (CoOp's test split
has 8,100 images); use \`--dataset eurosat\` with the full data for that.

## Sources and license

- Images: EuroSAT (Helber et al., "EuroSAT: A Novel Dataset and Deep Learning Benchmark for Land Use and Land Cover
  Classification", IEEE JSTARS 2019; github.com/phelber/EuroSAT), released under the MIT license. Copied from
  \`FlyBulll/Baris_Cem_Bostancioglu_EuroSAT_RGB@f4fc34307289f7495ccc3a2ee7dc909ff46cb4a7\`, \`data/raw/eurosat/2750/\`.
- Split and few-shot lists: CoOp (Zhou et al., "Learning to Prompt for Vision-Language Models", IJCV 2022;
  github.com/KaiyangZhou/CoOp, MIT), via \`linzhiqiu/cross_modal_adaptation@ac9077ee4e422f768c9b9109551468605e33ec9a\`
  (MIT), \`splits/split_zhou_EuroSAT.json\` and \`indices/eurosat/shot_1-seed_{1,2,3}.json\`.
`,
);
rmSync(out, { recursive: true, force: true });
renameSync(tmp, out);
console.log(
  `demo: ${train.length} train, ${val.length} val, ${test.length} test, ${files.length} images, ${(bytes / 1e6).toFixed(2)} MB -> ${out}`,
);
