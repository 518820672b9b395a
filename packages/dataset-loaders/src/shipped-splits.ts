import { fileURLToPath } from "node:url";

/**
 * CoOp's split files and few-shot lists shipped in this package (coop-splits/SOURCE.md). Both
 * src/shipped-splits.ts (tests, from source) and the bundled dist/index.js sit one level below
 * the package root, where `coop-splits/` is (package.json "files").
 */
export const COOP_SPLITS_DIR: string = fileURLToPath(new URL("../coop-splits", import.meta.url));
