/**
 * Where `vlmopt datasets download` gets each of the paper's datasets, and how it lays them out.
 *
 * Every URL and checksum below is checked against (never written from memory):
 * - CoOp's DATASETS.md (github.com/KaiyangZhou/CoOp/blob/ff61507c790454bce7c5052c3ac39e60772f1f89/DATASETS.md):
 *   the sources and the folder layout CoOp's loaders expect;
 * - torchvision's dataset modules (github.com/pytorch/vision, torchvision/datasets/*.py): URLs and md5s
 *   (eurosat.py@167bc57, flowers102.py@0791dfc, dtd.py@051ba34, oxford_iiit_pet.py@036a3da,
 *   food101.py@0284b40, caltech.py@0df7caa, sun397.py@283236d, fgvc_aircraft.py@12b74a0 (no md5),
 *   stanford_cars.py@01977a1 ("the original URL is broken"));
 * - TensorFlow Datasets' url_checksums (github.com/tensorflow/datasets, tensorflow_datasets/url_checksums/*.txt):
 *   sizes and sha256s (fgvc.txt@f921fd8, dtd.txt@333639b, food101.txt@25a2824, oxford_flowers102.txt@24211da,
 *   oxford_iiit_pet.txt@333639b, sun397.txt@333639b, eurosat.txt@333639b).
 */

/** How one downloaded archive is unpacked into the dataset folder. */
export interface ArchiveStep {
  format: "tar" | "tar.gz" | "zip";
  /** Only entries under this prefix are kept, with the prefix removed (e.g. "dtd/"); "" keeps all. */
  strip: string;
  /** Folder inside the dataset folder the entries go to ("" = the dataset folder itself). */
  into: string;
}

/** An archive inside a downloaded archive (Caltech101's zip holds 101_ObjectCategories.tar.gz). */
export interface NestedArchive extends ArchiveStep {
  /** Path of the inner archive inside the outer one. */
  member: string;
  md5?: string;
  sha256?: string;
}

export interface RemoteFile {
  /** File name in the download folder, e.g. "dtd-r1.0.1.tar.gz". */
  name: string;
  url: string;
  /** Size in bytes as published (TFDS); the server's Content-Length is used when it answers. */
  size?: number;
  md5?: string;
  sha256?: string;
  /** Where the checksum comes from (shown by --dry-run). */
  checksumSource?: string;
  /** Unpack it (archives); without, the file is copied to `saveAs` in the dataset folder. */
  extract?: ArchiveStep;
  nested?: NestedArchive;
  saveAs?: string;
}

/** A dataset vlmopt can fetch: its files, in CoOp's layout under `<root>/<datasetDir>`. */
export interface DownloadPlan {
  kind: "download";
  name: string;
  datasetDir: string;
  files: RemoteFile[];
  /**
   * CoOp's split file, copied next to the images from the `--splits` folder (vlmopt does not ship
   * it; coop-split-links.ts says where CoOp's DATASETS.md links each one); null where CoOp has none.
   */
  splitFile: string | null;
  /** Write CoOp's few-shot lists (`<splits>/fewshot/<name>.json.gz`) to split_fewshot/. */
  fewshotLists: boolean;
  /** Why the dataset may still not load after the download. */
  note?: string;
  terms: string;
}

/** A dataset vlmopt cannot fetch for you: what to do instead. */
export interface ManualPlan {
  kind: "manual";
  name: string;
  datasetDir: string;
  reason: string;
  terms: string;
  /** CoOp's split file, added from `--splits` to a folder the user arranged (null: none). */
  splitFile: string | null;
  /** As DownloadPlan's. */
  fewshotLists: boolean;
  /** Steps to arrange a copy the user has (or gets by hand) in CoOp's layout. */
  steps: string[];
}

export type DatasetPlan = DownloadPlan | ManualPlan;

const TV = "torchvision";
const TFDS = "TensorFlow Datasets url_checksums";

export const DOWNLOAD_PLANS: readonly DatasetPlan[] = [
  {
    kind: "manual",
    name: "imagenet",
    datasetDir: "imagenet",
    splitFile: null,
    fewshotLists: false,
    reason:
      "ImageNet (ILSVRC-2012) can only be downloaded with an account at https://image-net.org/ after accepting its terms of access.",
    terms:
      "ImageNet terms of access: non-commercial research and educational use only; you may not distribute the images (https://image-net.org/download.php).",
    steps: [
      "Sign in at https://image-net.org/ and download ILSVRC2012_img_train.tar and ILSVRC2012_img_val.tar (or use a copy you already have).",
      "Arrange it as CoOp's DATASETS.md says: <root>/imagenet/images/train/<wnid>/*.JPEG and <root>/imagenet/images/val/<wnid>/*.JPEG (1,000 wnid folders each; the val images sorted into wnid folders, e.g. with ImageNet's valprep script).",
      "An existing copy elsewhere can be linked instead of copied: ln -s /path/to/ILSVRC/train <root>/imagenet/images/train (and val).",
      "Optionally add <root>/imagenet/classnames.txt (`<wnid> <class name>` lines); vlmopt otherwise uses CoOp's class names by wnid.",
      "Then check it: vlmopt datasets check imagenet --data-root <root>",
    ],
  },
  {
    kind: "download",
    name: "caltech101",
    datasetDir: "caltech-101",
    files: [
      {
        // CoOp names vision.caltech.edu's 101_ObjectCategories.tar.gz; Caltech now serves it inside this zip
        // (data.caltech.edu record mzrjq-6wc02). The inner tarball is the one torchvision's md5 names.
        name: "caltech-101.zip",
        url: "https://data.caltech.edu/records/mzrjq-6wc02/files/caltech-101.zip?download=1",
        extract: { format: "zip", strip: "", into: ".outer" },
        nested: {
          member: "caltech-101/101_ObjectCategories.tar.gz",
          md5: "b224c7392d521a49829488ab0f1120d9",
          format: "tar.gz",
          strip: "",
          into: "",
        },
        checksumSource: `${TV} caltech.py (md5 of the inner 101_ObjectCategories.tar.gz)`,
      },
    ],
    splitFile: "split_zhou_Caltech101.json",
    fewshotLists: true,
    terms: "Caltech 101 (Fei-Fei, Fergus, Perona), data.caltech.edu; CC BY 4.0 there.",
  },
  {
    kind: "download",
    name: "oxford_pets",
    datasetDir: "oxford_pets",
    files: [
      {
        name: "images.tar.gz",
        url: "https://www.robots.ox.ac.uk/~vgg/data/pets/data/images.tar.gz",
        size: 791_918_971,
        md5: "5c4f3ee8e5d25df40f4fd59a7f44e54c",
        checksumSource: `${TV} oxford_iiit_pet.py; size from ${TFDS}`,
        extract: { format: "tar.gz", strip: "", into: "" },
      },
      {
        name: "annotations.tar.gz",
        url: "https://www.robots.ox.ac.uk/~vgg/data/pets/data/annotations.tar.gz",
        size: 19_173_078,
        md5: "95a8c909bbe2e81eed6a22bccdf3f68f",
        checksumSource: `${TV} oxford_iiit_pet.py; size from ${TFDS}`,
        extract: { format: "tar.gz", strip: "", into: "" },
      },
    ],
    splitFile: "split_zhou_OxfordPets.json",
    fewshotLists: true,
    terms: "The Oxford-IIIT Pet Dataset (Parkhi et al.), CC BY-SA 4.0.",
  },
  {
    kind: "manual",
    name: "stanford_cars",
    datasetDir: "stanford_cars",
    splitFile: "split_zhou_StanfordCars.json",
    fewshotLists: true,
    reason:
      "The URLs CoOp's DATASETS.md gives (ai.stanford.edu/~jkrause/car196/...) no longer serve the files, and torchvision dropped its download for that reason (stanford_cars.py: 'the original URL is broken').",
    terms: "Stanford Cars (Krause et al.): for non-commercial research purposes only.",
    steps: [
      "Get cars_train/, cars_test/, devkit/ and cars_test_annos_withlabels.mat from a copy you have or a mirror (torchvision points to https://github.com/pytorch/vision/issues/7545#issuecomment-1631441616).",
      "Arrange them as <root>/stanford_cars/{cars_train,cars_test,devkit}/ and <root>/stanford_cars/cars_test_annos_withlabels.mat.",
      "Run `vlmopt datasets download stanford_cars --root <root> --splits <dir>` again, <dir> holding CoOp's split_zhou_StanfordCars.json[.gz] and fewshot/stanford_cars.json.gz (laid out like ../shared/datasets/coop_splits): it adds them and checks the folder.",
    ],
  },
  {
    kind: "download",
    name: "oxford_flowers",
    datasetDir: "oxford_flowers",
    files: [
      {
        name: "102flowers.tgz",
        url: "https://www.robots.ox.ac.uk/~vgg/data/flowers/102/102flowers.tgz",
        size: 344_862_509,
        md5: "52808999861908f626f3c1f4e79d11fa",
        checksumSource: `${TV} flowers102.py; size from ${TFDS}`,
        extract: { format: "tar.gz", strip: "", into: "" },
      },
      {
        name: "imagelabels.mat",
        url: "https://www.robots.ox.ac.uk/~vgg/data/flowers/102/imagelabels.mat",
        size: 502,
        md5: "e0620be6f572b9609742df49c70aed4d",
        checksumSource: `${TV} flowers102.py; size from ${TFDS}`,
        saveAs: "imagelabels.mat",
      },
    ],
    splitFile: "split_zhou_OxfordFlowers.json",
    fewshotLists: true,
    terms: "Oxford 102 Category Flower Dataset (Nilsback & Zisserman), Oxford VGG research data.",
  },
  {
    kind: "download",
    name: "food101",
    datasetDir: "food-101",
    files: [
      {
        name: "food-101.tar.gz",
        url: "http://data.vision.ee.ethz.ch/cvl/food-101.tar.gz",
        size: 4_996_278_331,
        md5: "85eeb15f3717b99a5da872d97d918f87",
        checksumSource: `${TV} food101.py; size from ${TFDS}`,
        extract: { format: "tar.gz", strip: "food-101/", into: "" },
      },
    ],
    splitFile: "split_zhou_Food101.json",
    fewshotLists: true,
    terms: "Food-101 (Bossard et al., ETH Zurich); see its license_agreement.txt.",
  },
  {
    kind: "download",
    name: "fgvc_aircraft",
    datasetDir: "fgvc_aircraft",
    files: [
      {
        name: "fgvc-aircraft-2013b.tar.gz",
        url: "https://www.robots.ox.ac.uk/~vgg/data/fgvc-aircraft/archives/fgvc-aircraft-2013b.tar.gz",
        size: 2_770_575_360,
        sha256: "d5f68b1b81d6d7831eb9d5c5517074176b5dfbce6bcb43dc14ed1c66a87b8d75",
        checksumSource: `${TFDS} (fgvc.txt; torchvision has none)`,
        // CoOp: "Extract fgvc-aircraft-2013b.tar.gz and keep only data/ ... rename the folder to fgvc_aircraft/".
        extract: { format: "tar.gz", strip: "fgvc-aircraft-2013b/data/", into: "" },
      },
    ],
    splitFile: null,
    fewshotLists: true,
    terms: "FGVC-Aircraft (Maji et al.): for non-commercial research purposes only.",
  },
  {
    kind: "download",
    name: "sun397",
    datasetDir: "sun397",
    files: [
      {
        name: "SUN397.tar.gz",
        url: "http://vision.princeton.edu/projects/2010/SUN/SUN397.tar.gz",
        size: 39_077_296_924,
        md5: "8ca2778205c41d23104230ba66911c7a",
        checksumSource: `${TV} sun397.py; size from ${TFDS}`,
        extract: { format: "tar.gz", strip: "", into: "" },
      },
    ],
    splitFile: "split_zhou_SUN397.json",
    fewshotLists: true,
    terms: "SUN Database (Xiao et al., Princeton): research use.",
  },
  {
    kind: "download",
    name: "dtd",
    datasetDir: "dtd",
    files: [
      {
        name: "dtd-r1.0.1.tar.gz",
        url: "https://www.robots.ox.ac.uk/~vgg/data/dtd/download/dtd-r1.0.1.tar.gz",
        size: 625_239_812,
        md5: "fff73e5086ae6bdbea199a49dfb8a4c1",
        checksumSource: `${TV} dtd.py; size from ${TFDS}`,
        extract: { format: "tar.gz", strip: "dtd/", into: "" },
      },
    ],
    splitFile: "split_zhou_DescribableTextures.json",
    fewshotLists: true,
    terms: "Describable Textures Dataset (Cimpoi et al.), Oxford VGG: research purposes only.",
  },
  {
    kind: "download",
    name: "eurosat",
    datasetDir: "eurosat",
    files: [
      {
        // CoOp's madm.dfki.de link is gone; torchvision downloads this Hugging Face copy (pinned revision)
        // with the md5 it used for the original madm.dfki.de file, so TFDS's size for that file applies.
        // The zip unpacks to 2750/<Class>/ (torchvision: eurosat/2750 after extracting into eurosat/).
        name: "EuroSAT.zip",
        url: "https://huggingface.co/datasets/torchgeo/eurosat/resolve/c877bcd43f099cd0196738f714544e355477f3fd/EuroSAT.zip",
        size: 94_280_567,
        md5: "c8fa014336c82ac7804f0398fcb19387",
        checksumSource: `${TV} eurosat.py; size from ${TFDS} (eurosat.txt)`,
        extract: { format: "zip", strip: "", into: "" },
      },
    ],
    splitFile: "split_zhou_EuroSAT.json",
    fewshotLists: true,
    terms: "EuroSAT (Helber et al.), MIT license.",
  },
  {
    kind: "manual",
    name: "ucf101",
    datasetDir: "ucf101",
    splitFile: "split_zhou_UCF101.json",
    fewshotLists: true,
    reason:
      "CoOp uses the middle frame of each UCF101 video (UCF-101-midframes.zip), which exists only on CoOp's Google Drive; vlmopt does not script Google Drive and has no checksum for it.",
    terms: "UCF101 (Soomro et al., CRCV, University of Central Florida).",
    steps: [
      "Download UCF-101-midframes.zip with a browser from the UCF101 section of https://github.com/KaiyangZhou/CoOp/blob/main/DATASETS.md.",
      "Extract it so that <root>/ucf101/UCF-101-midframes/<Class_Name>/*.jpg exists.",
      "Run `vlmopt datasets download ucf101 --root <root> --splits <dir>` again, <dir> holding CoOp's split_zhou_UCF101.json[.gz] and fewshot/ucf101.json.gz (laid out like ../shared/datasets/coop_splits): it adds them and checks the folder.",
    ],
  },
];

/** The plan for a registry dataset name (CoOp key), or undefined when vlmopt has none (the demo). */
export function downloadPlanOf(name: string): DatasetPlan | undefined {
  return DOWNLOAD_PLANS.find((p) => p.name === name);
}
