export { type SelectOptions, splitHash } from "./build-dataset.js";
export { type CheckDatasetOptions, checkDataset } from "./check-dataset.js";
export { coopRelativePath } from "./coop-pickle.js";
export { COOP_DATASETS_MD, splitFileSource } from "./coop-split-links.js";
export { type BuiltinDatasetSource, type SourceReader, sourceEntry } from "./dataset-source-entry.js";
export { type SplitsReport, splitFileNeeded } from "./download/add-splits.js";
export {
  type ArchiveStep,
  type DatasetPlan,
  DOWNLOAD_PLANS,
  type DownloadPlan,
  downloadPlanOf,
  type ManualPlan,
  type NestedArchive,
  type RemoteFile,
} from "./download/catalog.js";
export {
  type DownloadDatasetOptions,
  type DownloadReport,
  downloadDataset,
  type PlannedFile,
} from "./download/download-dataset.js";
export { DatasetDownloadError } from "./download/download-error.js";
export { type ExtractResult, extractArchive } from "./download/extract-archive.js";
export type { TransferProgress } from "./download/fetch-file.js";
export type { HfHubOptions, HfOptions } from "./hf/hf-source.js";
export { hasImageTrailer } from "./image-check.js";
export {
  createDatasetLoader,
  type LoadDatasetOptions,
  loadDataset,
  loadImageFolder,
  loadManifest,
  type OwnDataLoadOptions,
} from "./load-dataset.js";
export { IMAGE_EXTENSIONS, type OwnDataOptions } from "./own-data-options.js";
export { PickleGlobal, PickleObject, type PickleValue, unpickle } from "./pickle.js";
export { datasetSourcePlugins } from "./plugins.js";
export {
  type LaionCocoOptions,
  type LaionCocoSample,
  parseLaionCocoPool,
  sampleLaionCoco,
  toTemplate,
} from "./pool/laion-coco.js";
export { PythonRandom } from "./pool/python-random.js";
export { formatProblem, MAX_LISTED_PER_KIND } from "./problems.js";
export { type DatasetSpec, isHubDatasetSpec, parseDatasetSpec } from "./read-source.js";
export {
  DATASETS,
  DEMO_DATASET,
  DEMO_DIR,
  findDatasetInfo,
  getDatasetInfo,
  listDatasets,
} from "./registry.js";
export { type CheckRunImagesOptions, checkRunImages } from "./run-images.js";
export { type SplitFractions, sampleFewShot, splitDataset } from "./sampling.js";
export { fewshotKey, readFewShotCollection, readFewShotFile, readSplitFile } from "./split-file.js";
export type {
  CheckCounts,
  CheckReport,
  CheckSelection,
  CoopEntry,
  CoopLayout,
  CoopSplit,
  DatasetInfo,
  DatasetProblem,
  FewShotSplit,
  ImageCheckLevel,
  ProblemSeverity,
  SplitCounts,
} from "./types.js";
export type { WdsOptions } from "./wds-source.js";
