import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryEmbeddingCache } from "./embedding-cache.js";
import { embeddingCacheContract } from "./embedding-cache-contract.js";
import { JsonlRunStore } from "./jsonl-run-store.js";
import { MemoryRunStore } from "./memory-run-store.js";
import { runStoreContract } from "./run-store-contract.js";

const dir = () => join(mkdtempSync(join(tmpdir(), "vlmopt-contract-")), "run");

runStoreContract({
  name: "JsonlRunStore",
  create: () => new JsonlRunStore(dir()),
  reopen: (store) => new JsonlRunStore(store.location),
  dispose: (store) => (store as JsonlRunStore).close(),
});

runStoreContract({ name: "MemoryRunStore", create: () => new MemoryRunStore() });

embeddingCacheContract({ name: "MemoryEmbeddingCache", create: () => new MemoryEmbeddingCache() });
