import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "@vlmopt/core";
import { CAPTIONS_POOL } from "./data/captions-pool.js";
import coopData from "./data/coop-hand-engineered.json" with { type: "json" };
import openaiData from "./data/openai-hand-engineered.json" with { type: "json" };

const OPENAI: Readonly<Record<string, readonly string[]>> = openaiData;
const COOP: Readonly<Record<string, readonly string[]>> = coopData;

/** A named initial pool of templates. */
export interface PoolInfo {
  name: string;
  description: string;
  /** True when the pool differs per dataset (and so needs a dataset name). */
  perDataset: boolean;
  /** Dataset names it has templates for (per-dataset pools only). */
  datasets?: readonly string[];
}

export const POOLS: readonly PoolInfo[] = [
  { name: "basic", description: 'the single template "a photo of a {}."', perDataset: false },
  {
    name: "imagenet80",
    description: "OpenAI's 80 ImageNet templates (openai/CLIP, MIT)",
    perDataset: false,
  },
  {
    name: "hand-engineered",
    description: "OpenAI's hand-engineered templates for the dataset (openai/CLIP, MIT)",
    perDataset: true,
    datasets: Object.keys(OPENAI),
  },
  {
    name: "coop",
    description: "CoOp's hand-crafted template for the dataset (KaiyangZhou/CoOp, MIT)",
    perDataset: true,
    datasets: Object.keys(COOP),
  },
  {
    name: "captions",
    description:
      "80 caption-style templates written for this project, a stand-in for the paper's 80 LAION-COCO captions",
    perDataset: false,
  },
  {
    name: "laion-coco",
    description:
      "the paper's pool: 80 LAION-COCO captions sampled as the released code does (laion-coco[:seed]; the CLI's --pool samples them from the hub)",
    perDataset: false,
  },
  { name: "none", description: "no initial pool", perDataset: false },
];

/**
 * `laion-coco[:seed]`: the templates of a sample file (`poolPath`) that the CLI's `--pool
 * laion-coco[:seed]` wrote (dataset-loaders' sampleLaionCoco: JSON with `seed` and `templates`).
 */
function laionCocoPool(name: string, path?: string | null): string[] {
  const seed = Number(/:(\d+)$/.exec(name)?.[1] ?? 0);
  if (!path || !existsSync(path)) {
    throw new ConfigError(
      `pool "${name}" needs its LAION-COCO sample file${path ? `, and ${path} does not exist` : ""}`,
      {
        hint: "run with the CLI's --pool laion-coco[:seed], which samples the captions from the hub and passes the file as poolPath",
      },
    );
  }
  const data = JSON.parse(readFileSync(path, "utf8")) as { seed?: unknown; templates?: unknown };
  const list = data.templates;
  if (!Array.isArray(list) || !list.every((t) => typeof t === "string") || data.seed !== seed) {
    throw new ConfigError(`${path} is not the LAION-COCO sample of seed ${seed}`, {
      hint: "delete it and run --pool laion-coco again to re-sample",
    });
  }
  return list as string[];
}

export const OFFICIAL_POOLS_FILE = "official_code_initial_pools.json";
const OFFICIAL_PREFIX = "official:";

/**
 * Where the released code's pools are read from: the given path, else $VLMOPT_OFFICIAL_POOLS,
 * else the first `shared/templates/official_code_initial_pools.json` found walking up from the
 * working directory or from this module (the repository's `../shared`).
 */
export function findOfficialPoolsFile(path?: string | null): string | null {
  if (path) return resolve(path);
  const env = process.env.VLMOPT_OFFICIAL_POOLS;
  if (env) return resolve(env);
  for (const start of [process.cwd(), dirname(fileURLToPath(import.meta.url))]) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, "shared", "templates", OFFICIAL_POOLS_FILE);
      if (existsSync(candidate)) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  return null;
}

function officialPool(key: string, path?: string | null): string[] {
  const file = findOfficialPoolsFile(path);
  if (!file || !existsSync(file)) {
    throw new ConfigError(
      `pool "official:${key}" needs ${OFFICIAL_POOLS_FILE}, which was not found${file ? ` at ${file}` : ""}`,
      {
        hint: "pass its path as the poolPath parameter or set VLMOPT_OFFICIAL_POOLS (it is not shipped: the released code has no license)",
      },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON`, {
      cause: error,
      hint: "point poolPath at the original file",
    });
  }
  const pools = (data ?? {}) as Record<string, unknown>;
  const list = pools[key];
  if (!Array.isArray(list) || !list.every((t) => typeof t === "string")) {
    throw new ConfigError(
      `pool "official:${key}": ${file} has no list "${key}"; valid keys: ${Object.keys(pools).join(", ")}`,
      { hint: 'e.g. "official:gpt4" or "official:eurosat"' },
    );
  }
  return list as string[];
}

/**
 * The templates of an initial pool. Per-dataset pools need `datasetName` (a CoOp loader name such
 * as "eurosat"); `official:<key>` reads the released code's pools at run time (see
 * findOfficialPoolsFile). Unknown names throw a ConfigError listing the valid ones.
 */
export function getPool(
  name: string,
  datasetName?: string,
  options: { path?: string | null } = {},
): string[] {
  if (name.startsWith(OFFICIAL_PREFIX)) return officialPool(name.slice(OFFICIAL_PREFIX.length), options.path);
  if (/^laion-coco(:\d+)?$/.test(name)) return laionCocoPool(name, options.path);
  switch (name) {
    case "basic":
      return ["a photo of a {}."];
    case "imagenet80":
      return [...(OPENAI.imagenet ?? [])];
    case "captions":
      return [...CAPTIONS_POOL];
    case "none":
      return [];
    case "hand-engineered":
    case "coop": {
      const table = name === "coop" ? COOP : OPENAI;
      const list = datasetName === undefined ? undefined : table[datasetName];
      if (!list) {
        throw new ConfigError(
          `pool "${name}" has no templates for dataset ${datasetName === undefined ? "(none given)" : JSON.stringify(datasetName)}; it has: ${Object.keys(table).join(", ")}`,
          { hint: 'use a generic pool instead: "basic", "imagenet80" or "captions"' },
        );
      }
      return [...list];
    }
    default:
      throw new ConfigError(
        `unknown pool ${JSON.stringify(name)}; valid pools: ${POOLS.map((p) => p.name).join(", ")}, official:<key>`,
        { hint: 'e.g. pool "captions", or "official:gpt4" with ../shared present' },
      );
  }
}
