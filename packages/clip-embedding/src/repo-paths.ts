import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The monorepo root (the folder holding pnpm-workspace.yaml) above this module, if any. */
export function findRepoRoot(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** `<repo>/../shared/models/clip-bpe-tokenizer/tokenizer.json` when it exists. */
export function sharedClipTokenizerPath(): string | undefined {
  const root = findRepoRoot();
  if (!root) return undefined;
  const path = resolve(root, "../shared/models/clip-bpe-tokenizer/tokenizer.json");
  return existsSync(path) ? path : undefined;
}
