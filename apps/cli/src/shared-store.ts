import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { type EmbeddingCache, JsonlRunStore, MANIFEST_FILE, type RunStore } from "@vlmopt/core";
import { copyRunToDir, MirroredRunStore, openPostgresStore, storeUrlFrom } from "@vlmopt/store-postgres";
import type { CliIo } from "./io.js";

/** A run directory backed by a shared PostgreSQL store (`--store` or VLMOPT_STORE). */
export interface SharedRun {
  store: RunStore & { close(): void };
  imageCache: EmbeddingCache;
  /** The store's URL with the password masked. */
  shownUrl: string;
  close(): Promise<void>;
}

/** The store URL of a command: its --store flag, else VLMOPT_STORE; never a config file. */
export function storeUrlOf(flag: unknown, io: CliIo): string | null {
  return storeUrlFrom(typeof flag === "string" ? flag : undefined, io.env);
}

/**
 * Opens the run `runDir` in the shared store: its key is the directory's name. What the store holds
 * is first copied into the directory (a run started on another machine), so that resume and the
 * reports see the whole run; then every write goes to the store and to the directory.
 */
export async function openSharedRun(url: string, runDir: string): Promise<SharedRun> {
  const pg = await openPostgresStore(url, { max: 2, applicationName: "vlmopt-cli" });
  try {
    const primary = pg.runStore(basename(runDir));
    const local = new JsonlRunStore(runDir);
    if (!(await primary.readManifest()) && existsSync(join(runDir, MANIFEST_FILE))) {
      // A run started without the store: it moves in, events in order, before anything new.
      const manifest = await local.readManifest();
      if (manifest) await primary.writeManifest(manifest);
      for (const e of (await local.readLog()).events) await primary.append(e);
      const results = await local.readJson("results");
      if (results !== null) await primary.writeJson("results", results);
    }
    await copyRunToDir(primary, runDir);
    return {
      store: new MirroredRunStore(primary, local),
      imageCache: pg.features,
      shownUrl: pg.shownUrl,
      close: () => pg.close(),
    };
  } catch (error) {
    await pg.close().catch(() => {});
    throw error;
  }
}

/** Brings a stored run into `runDir` (for report); false when neither has it. */
export async function fetchSharedRun(url: string, runDir: string): Promise<boolean> {
  const shared = await openSharedRun(url, runDir);
  await shared.close();
  return existsSync(join(runDir, MANIFEST_FILE));
}

/**
 * The image-feature cache of a command: the shared store's when `--store`/VLMOPT_STORE is given
 * (features keyed like the disk cache, shared by every machine), else `fallback()`.
 */
export async function featureCacheOf(
  url: string | null,
  fallback: () => Promise<EmbeddingCache>,
): Promise<{ cache: EmbeddingCache; close: () => Promise<void> }> {
  if (!url) return { cache: await fallback(), close: async () => {} };
  const pg = await openPostgresStore(url, { max: 2, applicationName: "vlmopt-cli" });
  return { cache: pg.features, close: () => pg.close() };
}
