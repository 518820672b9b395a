import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { embeddingCacheContract } from "@vlmopt/core/testing";
import { DiskEmbeddingCache } from "./disk-embedding-cache.js";

embeddingCacheContract({
  name: "DiskEmbeddingCache",
  create: () => new DiskEmbeddingCache({ dir: mkdtempSync(join(tmpdir(), "vlmopt-disk-contract-")) }),
  reopen: (cache) => new DiskEmbeddingCache({ dir: cache.dir }),
  dispose: (cache) => cache.close(),
});
