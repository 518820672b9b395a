/**
 * The HF-hub client on its own (`@vlmopt/clip-embedding/hub`): downloads into the hub cache layout
 * and file listings, for models and datasets. Imports no onnxruntime, so other packages (the
 * dataset sources) can use it without loading an inference runtime.
 */
export { defaultCacheDir, hfHubCacheDir } from "./cache-dirs.js";
export {
  type DownloadedFile,
  type DownloadOptions,
  type DownloadProgress,
  type DownloadResult,
  downloadRepoFiles,
  type HubRepoType,
  hubRepoFolder,
  listRepoFiles,
} from "./hf-hub-download.js";
