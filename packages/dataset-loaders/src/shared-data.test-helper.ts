import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
/** The shared real data (`<repo>/../shared`), absent on a clean clone elsewhere. */
export const SHARED = resolve(repoRoot, "../shared");
export const DATASETS_ROOT = resolve(SHARED, "datasets");
export const HAS_SHARED = existsSync(DATASETS_ROOT);
if (!HAS_SHARED) console.warn(`dataset-loaders: skipping real-data tests: ${DATASETS_ROOT} does not exist`);
