import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { DATASETS } from "../registry.js";
import { readSplitFile } from "../split-file.js";
import type { CoopEntry, CoopSplit, DatasetInfo } from "../types.js";

export interface CoopMatch {
  /** CoOp's split with its paths mapped onto the unpacked images; null when not applied. */
  split: CoopSplit | null;
  file: string | null;
  classNames: readonly string[] | null;
  /** Why CoOp's split was not applied, for a dataset CoOp has one for; null otherwise. */
  note: string | null;
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
const base = (p: string) => p.slice(p.replace(/\\/g, "/").lastIndexOf("/") + 1);

/** The paper's dataset a hub repo holds, from its name (`tanganke/eurosat` -> eurosat). */
export function knownDatasetOf(repo: string): DatasetInfo | undefined {
  const name = squash(repo.split("/")[1] ?? repo);
  return DATASETS.find(
    (d) => d.layout.splitFile !== null && [d.name, ...d.aliases].some((a) => name.includes(squash(a))),
  );
}

/**
 * Applies CoOp's split to a hub dataset when it is one of the paper's datasets, the split file is in
 * `splitsDir`, and every image the split file lists is found among the dataset's images by file name
 * (the `path` of the Image feature; CoOp's relpaths end in the original file names).
 */
export async function matchCoopSplit(
  repo: string,
  entries: readonly CoopEntry[],
  originals: ReadonlyMap<string, string>,
  splitsDir: string | undefined,
): Promise<CoopMatch> {
  const none = (note: string | null): CoopMatch => ({ split: null, file: null, classNames: null, note });
  const info = knownDatasetOf(repo);
  if (!info?.layout.splitFile) return none(null);
  const want = info.layout.splitFile;
  if (!splitsDir) {
    return none(
      `${repo} looks like ${info.displayName}, but CoOp's ${want} was not given (--splits / VLMOPT_COOP_SPLITS), so CoOp's split was not applied`,
    );
  }
  const file = [join(resolve(splitsDir), want), join(resolve(splitsDir), `${want}.gz`)].find((p) =>
    existsSync(p),
  );
  if (!file) return none(`${want} is not in ${splitsDir}, so CoOp's split was not applied`);
  const coop = await readSplitFile(file);
  const byName = new Map<string, string[]>();
  for (const [rel] of entries) {
    const original = originals.get(rel);
    if (!original) continue;
    const list = byName.get(base(original)) ?? [];
    list.push(rel);
    byName.set(base(original), list);
  }
  let missing = 0;
  let total = 0;
  const map = (list: readonly CoopEntry[]): CoopEntry[] =>
    list.flatMap(([rel, label, name]) => {
      total++;
      const found = byName.get(base(rel)) ?? [];
      const hit =
        found.length === 1
          ? found[0]
          : found.find((f) => (originals.get(f) ?? "").replace(/\\/g, "/").endsWith(rel));
      if (!hit) {
        missing++;
        return [];
      }
      return [[hit, label, name] as const];
    });
  const split = { train: map(coop.train), val: map(coop.val), test: map(coop.test) };
  if (missing > 0) {
    return none(
      `${missing} of the ${total} images of CoOp's ${want} are not in ${repo} (matched by file name), so CoOp's split was not applied`,
    );
  }
  return { split, file, classNames: info.classNames, note: null };
}
