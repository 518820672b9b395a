/**
 * What the dataset-format e2e tests (hf-optimize, wds-optimize) share (not exported): the
 * embedded demo's real EuroSAT images and splits to write fixtures from, a scratch folder whose
 * process.env changes are undone, and the in-process `optimize` arguments both run.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_DIR } from "@vlmopt/dataset-loaders";

/** The demo's split lists ([image path under images/, label] per split) and class names. */
export function demoSplits(): {
  splits: Record<"train" | "val" | "test", [string, number][]>;
  names: string[];
} {
  const raw = JSON.parse(readFileSync(join(DEMO_DIR, "split.json"), "utf8")) as Record<
    string,
    [string, number][]
  >;
  const names = readFileSync(join(DEMO_DIR, "classnames.txt"), "utf8").split("\n").filter(Boolean);
  return { splits: { train: raw.train ?? [], val: raw.val ?? [], test: raw.test ?? [] }, names };
}

/** The path of one demo image (`rel` as in the split lists). */
export const demoImagePath = (rel: string): string => join(DEMO_DIR, "images", rel);

/**
 * A scratch folder with `env` set in process.env (VLMOPT_CACHE_DIR under it by default);
 * `cleanup()` restores process.env and removes the folder.
 */
export function scratch(prefix: string, env: (work: string) => Record<string, string> = () => ({})) {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const saved = new Map<string, string | undefined>();
  const set = (name: string, value: string) => {
    if (!saved.has(name)) saved.set(name, process.env[name]);
    process.env[name] = value;
  };
  for (const [k, v] of Object.entries({ VLMOPT_CACHE_DIR: join(work, "cache"), ...env(work) })) set(k, v);
  return {
    work,
    /** Sets one more variable (restored by cleanup), e.g. a stand-in's URL once it listens. */
    set,
    cleanup(): void {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** `optimize --dataset <dataset>` on random:tiny with the simulated provider, 2 hill-climb steps, in `work`. */
export function optimizeArgs(dataset: string, work: string, extra: readonly string[] = []): string[] {
  return [
    "optimize",
    "--dataset",
    dataset,
    ...extra,
    "--shots",
    "1",
    "--model",
    "random:tiny",
    "--llm",
    "simulated",
    "--strategy",
    "hill-climb",
    "--iterations",
    "2",
    "--param",
    "poolSize=4",
    "--cache-dir",
    join(work, "model-cache"),
    "--run-dir",
    "run",
  ];
}
