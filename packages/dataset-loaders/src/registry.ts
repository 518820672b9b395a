import { fileURLToPath } from "node:url";
import { ConfigError } from "@vlmopt/core";
import { CALTECH101_CLASS_NAMES } from "./data/caltech101-class-names.js";
import { DTD_CLASS_NAMES } from "./data/dtd-class-names.js";
import { EUROSAT_CLASS_NAMES } from "./data/eurosat-class-names.js";
import { FGVC_AIRCRAFT_CLASS_NAMES } from "./data/fgvc-aircraft-class-names.js";
import { FOOD101_CLASS_NAMES } from "./data/food101-class-names.js";
import { IMAGENET_CLASS_NAMES } from "./data/imagenet-class-names.js";
import { IMAGENET_WNIDS } from "./data/imagenet-wnids.js";
import { OXFORD_FLOWERS_CLASS_NAMES } from "./data/oxford-flowers-class-names.js";
import { OXFORD_PETS_CLASS_NAMES } from "./data/oxford-pets-class-names.js";
import { STANFORD_CARS_CLASS_NAMES } from "./data/stanford-cars-class-names.js";
import { SUN397_CLASS_NAMES } from "./data/sun397-class-names.js";
import { UCF101_CLASS_NAMES } from "./data/ucf101-class-names.js";
import type { DatasetInfo } from "./types.js";

const COOP_SPLITS = "split files: github.com/KaiyangZhou/CoOp/blob/main/DATASETS.md";

/**
 * The paper's 11 datasets, keyed by CoOp's loader names. Counts, layout and class names follow
 * CoOp (KaiyangZhou/CoOp, MIT): `datasets/*.py` and DATASETS.md.
 */
export const DATASETS: readonly DatasetInfo[] = [
  {
    name: "imagenet",
    aliases: ["imagenet1k", "ilsvrc2012", "imagenet_sample"],
    displayName: "ImageNet",
    description: "Photographs of everyday objects, animals and scenes from the 1,000 ImageNet classes.",
    classNames: IMAGENET_CLASS_NAMES,
    wnids: IMAGENET_WNIDS,
    expectedCounts: { train: 1_281_167, val: null, test: 50_000 },
    layout: { datasetDir: "imagenet", imageDir: "images", splitFile: null, fewshotDir: "split_fewshot" },
    folderNames: ["imagenet_sample"],
    source: `ILSVRC-2012 train and val images from https://image-net.org/ (put them in imagenet/images/train and imagenet/images/val, one folder per wnid); ${COOP_SPLITS}`,
  },
  {
    name: "caltech101",
    aliases: ["caltech", "caltech-101"],
    displayName: "Caltech101",
    description: "Photographs of objects from 100 everyday categories, mostly centred on a plain background.",
    classNames: CALTECH101_CLASS_NAMES,
    expectedCounts: { train: 4128, val: 1649, test: 2465 },
    layout: {
      datasetDir: "caltech-101",
      imageDir: "101_ObjectCategories",
      splitFile: "split_zhou_Caltech101.json",
      fewshotDir: "split_fewshot",
    },
    folderNames: ["caltech101"],
    source: `101_ObjectCategories.tar.gz from https://data.caltech.edu/records/mzrjq-6wc02; ${COOP_SPLITS}`,
  },
  {
    name: "oxford_pets",
    aliases: ["pets", "oxfordpets", "oxford-pets"],
    displayName: "OxfordPets",
    description: "Photographs of 37 breeds of cats and dogs.",
    classNames: OXFORD_PETS_CLASS_NAMES,
    expectedCounts: { train: 2944, val: 736, test: 3669 },
    layout: {
      datasetDir: "oxford_pets",
      imageDir: "images",
      splitFile: "split_zhou_OxfordPets.json",
      fewshotDir: "split_fewshot",
    },
    folderNames: [],
    source: `images.tar.gz and annotations.tar.gz from https://www.robots.ox.ac.uk/~vgg/data/pets/; ${COOP_SPLITS}`,
  },
  {
    name: "stanford_cars",
    aliases: ["cars", "stanfordcars", "stanford-cars"],
    displayName: "StanfordCars",
    description: "Photographs of cars, labelled by make, model and year (196 classes).",
    classNames: STANFORD_CARS_CLASS_NAMES,
    expectedCounts: { train: 6509, val: 1635, test: 8041 },
    layout: {
      datasetDir: "stanford_cars",
      imageDir: "",
      splitFile: "split_zhou_StanfordCars.json",
      fewshotDir: "split_fewshot",
    },
    folderNames: [],
    source: `cars_train.tgz, cars_test.tgz and car_devkit.tgz from https://ai.stanford.edu/~jkrause/cars/car_dataset.html (or a mirror); ${COOP_SPLITS}`,
  },
  {
    name: "oxford_flowers",
    aliases: ["flowers102", "flowers", "oxfordflowers", "oxford-flowers", "flowers-102"],
    displayName: "Flowers102",
    description: "Close-up photographs of flowers from 102 species common in the United Kingdom.",
    classNames: OXFORD_FLOWERS_CLASS_NAMES,
    expectedCounts: { train: 4093, val: 1633, test: 2463 },
    layout: {
      datasetDir: "oxford_flowers",
      imageDir: "jpg",
      splitFile: "split_zhou_OxfordFlowers.json",
      fewshotDir: "split_fewshot",
    },
    folderNames: [],
    source: `102flowers.tgz and imagelabels.mat from https://www.robots.ox.ac.uk/~vgg/data/flowers/102/, cat_to_name.json and ${COOP_SPLITS}`,
  },
  {
    name: "food101",
    aliases: ["food", "food-101"],
    displayName: "Food101",
    description: "Photographs of 101 kinds of dishes, many taken by people in restaurants.",
    classNames: FOOD101_CLASS_NAMES,
    expectedCounts: { train: 50_500, val: 20_200, test: 30_300 },
    layout: {
      datasetDir: "food-101",
      imageDir: "images",
      splitFile: "split_zhou_Food101.json",
      fewshotDir: "split_fewshot",
    },
    folderNames: ["food101"],
    source: `food-101.tar.gz from https://data.vision.ee.ethz.ch/cvl/datasets_extra/food-101/; ${COOP_SPLITS}`,
  },
  {
    name: "fgvc_aircraft",
    aliases: ["aircraft", "fgvc", "fgvcaircraft", "fgvc-aircraft"],
    displayName: "FGVCAircraft",
    description: "Photographs of aircraft, labelled by model variant (100 classes, e.g. 737-400).",
    classNames: FGVC_AIRCRAFT_CLASS_NAMES,
    expectedCounts: { train: 3334, val: 3333, test: 3333 },
    layout: { datasetDir: "fgvc_aircraft", imageDir: "images", splitFile: null, fewshotDir: "split_fewshot" },
    folderNames: [],
    source:
      "fgvc-aircraft-2013b.tar.gz from https://www.robots.ox.ac.uk/~vgg/data/fgvc-aircraft/; move its data/ folder to fgvc_aircraft/ (CoOp reads images_variant_{train,val,test}.txt and variants.txt; no split file)",
  },
  {
    name: "sun397",
    aliases: ["sun", "sun-397"],
    displayName: "SUN397",
    description: "Photographs of 397 kinds of indoor and outdoor scenes.",
    classNames: SUN397_CLASS_NAMES,
    expectedCounts: { train: 15_880, val: 3970, test: 19_850 },
    layout: {
      datasetDir: "sun397",
      imageDir: "SUN397",
      splitFile: "split_zhou_SUN397.json",
      fewshotDir: "split_fewshot",
    },
    folderNames: [],
    source: `SUN397.tar.gz from http://vision.princeton.edu/projects/2010/SUN/; ${COOP_SPLITS}`,
  },
  {
    name: "dtd",
    aliases: ["textures", "describabletextures", "describable_textures"],
    displayName: "DTD",
    description: "Close-up photographs of 47 kinds of surface textures.",
    classNames: DTD_CLASS_NAMES,
    expectedCounts: { train: 2820, val: 1128, test: 1692 },
    layout: {
      datasetDir: "dtd",
      imageDir: "images",
      splitFile: "split_zhou_DescribableTextures.json",
      fewshotDir: "split_fewshot",
    },
    folderNames: [],
    source: `dtd-r1.0.1.tar.gz from https://www.robots.ox.ac.uk/~vgg/data/dtd/; ${COOP_SPLITS}`,
  },
  {
    name: "eurosat",
    aliases: ["euro_sat", "eurosat_rgb"],
    displayName: "EuroSAT",
    description: "Sentinel-2 satellite images (64x64 RGB) of 10 kinds of land use and land cover in Europe.",
    classNames: EUROSAT_CLASS_NAMES,
    expectedCounts: { train: 13_500, val: 5400, test: 8100 },
    layout: {
      datasetDir: "eurosat",
      imageDir: "2750",
      splitFile: "split_zhou_EuroSAT.json",
      fewshotDir: "split_fewshot",
    },
    folderNames: [],
    source: `EuroSAT RGB (EuroSAT.zip, folder 2750/) from https://github.com/phelber/EuroSAT; ${COOP_SPLITS}`,
  },
  {
    name: "ucf101",
    aliases: ["ucf", "ucf-101"],
    displayName: "UCF101",
    description: "Middle frames of YouTube videos showing people doing 101 kinds of actions.",
    classNames: UCF101_CLASS_NAMES,
    expectedCounts: { train: 7639, val: 1898, test: 3783 },
    layout: {
      datasetDir: "ucf101",
      imageDir: "UCF-101-midframes",
      splitFile: "split_zhou_UCF101.json",
      fewshotDir: "split_fewshot",
    },
    folderNames: [],
    source: `UCF-101-midframes.zip (CoOp's Google Drive link) from https://github.com/KaiyangZhou/CoOp/blob/main/DATASETS.md; videos at https://www.crcv.ucf.edu/data/UCF101.php`,
  },
];

/**
 * The folder of the embedded demo. Both src/registry.ts (tests, from source) and the bundled
 * dist/index.js sit one level below the package root, where `demo/` is (package.json "files").
 */
export const DEMO_DIR: string = fileURLToPath(new URL("../demo", import.meta.url));

/**
 * `demo`: a small EuroSAT subset embedded in this package (demo/SOURCE.md): all 10 classes, the
 * union of CoOp's 1-shot train/val lists for seeds 1-3 (and those lists), 30 test images per class.
 * Runs without a data root or a download; accuracies on it are not comparable with the paper's.
 */
export const DEMO_DATASET: DatasetInfo = {
  name: "demo",
  aliases: ["eurosat-demo", "eurosat_demo"],
  displayName: "EuroSAT demo",
  description:
    "Sentinel-2 satellite images (64x64 RGB) of 10 kinds of land use and land cover in Europe (a small EuroSAT subset).",
  classNames: EUROSAT_CLASS_NAMES,
  expectedCounts: { train: 30, val: 30, test: 300 },
  layout: { datasetDir: "demo", imageDir: "images", splitFile: null, fewshotDir: "split_fewshot" },
  folderNames: [],
  source:
    "embedded in @vlmopt/dataset-loaders (demo/, built by scripts/build-demo.mjs from EuroSAT, MIT, Helber et al.; see demo/SOURCE.md)",
  embeddedDir: DEMO_DIR,
};

/** Every dataset name the loader knows: the paper's 11, then the embedded demo. */
const LISTED: readonly DatasetInfo[] = [...DATASETS, DEMO_DATASET];

function normalizeName(name: string): string {
  return name.trim().toLowerCase();
}

/** The registry entry for a CoOp key or alias (case-insensitive), or undefined. */
export function findDatasetInfo(name: string): DatasetInfo | undefined {
  const key = normalizeName(name);
  return LISTED.find((d) => d.name === key || d.aliases.includes(key));
}

/** The registry entry for a CoOp key or alias; ConfigError listing the known names otherwise. */
export function getDatasetInfo(name: string): DatasetInfo {
  const info = findDatasetInfo(name);
  if (info) return info;
  throw new ConfigError(`Unknown dataset "${name}"`, {
    hint: `Known datasets: ${LISTED.map((d) => `${d.name} (${d.aliases.join(", ")})`).join("; ")}. For your own data use "folder:<dir>" or "manifest:<file.csv|jsonl>".`,
  });
}

/** The registry: the paper's datasets in the paper's order, then the embedded `demo`. */
export function listDatasets(): readonly DatasetInfo[] {
  return LISTED;
}
