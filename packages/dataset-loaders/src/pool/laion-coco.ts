import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ConfigError } from "@vlmopt/core";
import type { HfHubOptions } from "../hf/hf-source.js";
import { PythonRandom } from "./python-random.js";

/**
 * The paper's initial pool: captions sampled from LAION-COCO. The released code
 * (shihongl1998/LLM-as-a-blackbox-optimizer@6612c84, load_laioncoco_templates.py) does
 * `random.seed(laion_seed); random.sample(templates, 80)` over a 1M-caption text file it links on
 * Google Drive (laion_coco_1M_seed_0.txt), for seeds 0-3, and main.py reads
 * `laion_coco_samples_size_80_seed_{laion_seed}.txt`. That 1M file is not on the hub, so here the
 * population is every row of LAION-COCO's parquet files on the hub, in file-name order, and the
 * draw is CPython's random.sample bit for bit (PythonRandom): the same seed gives the same indices
 * as Python over the same population, but not the paper's exact 80 captions.
 *
 * The hub's page (https://huggingface.co/datasets/laion/laion-coco) says the 600M samples "are
 * provided in parquet files. Columns include the original caption, the url, the top caption and a
 * list of alternative captions"; the top caption's column is `top_caption`. The page also says
 * access to the dataset is currently disabled at the authors' request, so a real download may be
 * refused (HTTP 401/403) until it is restored; `repo` can point at a mirror with the same columns.
 */
export interface LaionCocoOptions {
  /** `laion_seed` (default 0). */
  seed?: number;
  /** Sample size (default 80, the released code's `sample_size`). */
  size?: number;
  /** Default "laion/laion-coco". */
  repo?: string;
  revision?: string;
  /** The caption column (default "top_caption"). */
  column?: string;
  hub?: HfHubOptions;
  /** Where samples are cached (default `<vlmopt cache>/laion-coco`). */
  cacheDir?: string;
}

export interface LaionCocoSample {
  repo: string;
  revision: string;
  column: string;
  seed: number;
  /** Rows in the population (all parquet files). */
  population: number;
  /** Global row indices drawn, in random.sample's order. */
  indices: number[];
  captions: string[];
  /** The captions as templates: a caption without "{}" gets ", a {}." (see toTemplate). */
  templates: string[];
  cachedAt: string;
  /** The cache file holding this sample (JSON; `templates` is what a pool reads). */
  cacheFile: string;
}

/**
 * A caption as a template. The released code formats each caption with `template.format(classname)`
 * (utils.py eval), so a caption without "{}" gives every class the same prompt; vlmopt requires the
 * placeholder, so such a caption gets the class appended: "<caption>, a {}.".
 */
export function toTemplate(caption: string): string {
  const text = caption.trim().replace(/\s+/g, " ");
  return text.includes("{}") ? text : `${text.replace(/[.\s]+$/, "")}, a {}.`;
}

const byName = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

function defaultCache(env: NodeJS.ProcessEnv): string {
  return join(
    env.VLMOPT_CACHE_DIR ?? join(env.XDG_CACHE_HOME || join(env.HOME ?? ".", ".cache"), "vlmopt"),
    "laion-coco",
  );
}

/** Parses `laion-coco[:seed]`; null when the pool is another one. */
export function parseLaionCocoPool(pool: string): { seed: number } | null {
  const m = /^laion-coco(?::(.*))?$/.exec(pool.trim());
  if (!m) return null;
  if (m[1] === undefined) return { seed: 0 };
  if (!/^\d+$/.test(m[1])) {
    throw new ConfigError(`--pool ${pool}: the seed "${m[1]}" is not a non-negative integer`, {
      hint: "Use --pool laion-coco or --pool laion-coco:<seed>, e.g. laion-coco:1 (the paper uses seeds 0-3)",
    });
  }
  return { seed: Number(m[1]) };
}

/**
 * Samples `size` captions from LAION-COCO's parquet files on the hub, reading only the footers of
 * every file (row counts) and the row groups that hold a drawn row, by HTTP range requests
 * (hyparquet's asyncBufferFromUrl). The sample is cached as JSON and reused.
 */
export async function sampleLaionCoco(options: LaionCocoOptions = {}): Promise<LaionCocoSample> {
  const seed = options.seed ?? 0;
  const size = options.size ?? 80;
  const repo = options.repo ?? "laion/laion-coco";
  const revision = options.revision ?? "main";
  const column = options.column ?? "top_caption";
  const env = options.hub?.env ?? process.env;
  const file = join(
    options.cacheDir ?? defaultCache(env),
    `${repo.replaceAll("/", "--")}@${revision.replaceAll("/", "--")}`,
    `${column}_size_${size}_seed_${seed}.json`,
  );
  if (existsSync(file))
    return { ...(JSON.parse(await readFile(file, "utf8")) as LaionCocoSample), cacheFile: file };

  const hub = await import("@vlmopt/clip-embedding/hub");
  const offline = options.hub?.offline === true || /^(1|true|yes)$/i.test(env.HF_HUB_OFFLINE ?? "");
  if (offline) {
    throw new ConfigError(`Offline (HF_HUB_OFFLINE) and no cached LAION-COCO sample ${file}`, {
      hint: "Run once with internet to sample and cache it, or use another --pool (e.g. captions)",
    });
  }
  const { asyncBufferFromUrl, parquetMetadataAsync, parquetReadObjects } = await import("hyparquet");
  const { compressors } = await import("hyparquet-compressors");
  const files = (await hub.listRepoFiles(repo, { ...options.hub, repoType: "dataset", revision }))
    .filter((f) => f.endsWith(".parquet"))
    .sort(byName);
  if (files.length === 0) {
    throw new ConfigError(`${repo}@${revision} has no parquet files`, {
      hint: "Check the repo id (LAION-COCO is laion/laion-coco) and the revision",
    });
  }
  const endpoint = (options.hub?.endpoint ?? env.HF_ENDPOINT ?? "https://huggingface.co").replace(/\/+$/, "");
  const token = options.hub?.token ?? env.HF_TOKEN;
  const requestInit: RequestInit = token ? { headers: { authorization: `Bearer ${token}` } } : {};
  const fetchFn = options.hub?.fetch ?? fetch;
  const parts: {
    url: string;
    rows: number;
    meta: Awaited<ReturnType<typeof parquetMetadataAsync>>;
    buf: Awaited<ReturnType<typeof asyncBufferFromUrl>>;
  }[] = [];
  for (const path of files) {
    const url = `${endpoint}/datasets/${repo}/resolve/${encodeURIComponent(revision)}/${path}`;
    let buf: Awaited<ReturnType<typeof asyncBufferFromUrl>>;
    let meta: Awaited<ReturnType<typeof parquetMetadataAsync>>;
    try {
      buf = await asyncBufferFromUrl({ url, requestInit, fetch: fetchFn });
      // 64 KiB covers a footer of this size; hyparquet fetches the rest when it is larger.
      meta = await parquetMetadataAsync(buf, { initialFetchSize: 1 << 16 });
    } catch (error) {
      throw new ConfigError(`Cannot read the parquet footer of ${url}: ${(error as Error).message}`, {
        hint: "LAION-COCO's hub page says access is currently disabled at the authors' request; set HF_TOKEN if you have access, or point the pool at a mirror with a top_caption column",
        cause: error,
      });
    }
    if (!meta.schema.some((s) => s.name === column)) {
      throw new ConfigError(
        `${repo}/${path} has no column "${column}" (columns: ${meta.schema
          .slice(1)
          .map((s) => s.name)
          .join(", ")})`,
        {
          hint: "LAION-COCO's caption column is top_caption; a mirror must keep it",
        },
      );
    }
    parts.push({ url, rows: Number(meta.num_rows), meta, buf });
  }
  const population = parts.reduce((n, p) => n + p.rows, 0);
  if (population < size) {
    throw new ConfigError(`${repo} has ${population} rows, fewer than the ${size} to sample`, {
      hint: "Use a smaller sample size or another pool",
    });
  }
  const indices = new PythonRandom(seed).sampleIndices(population, size);
  // Which row group of which file holds each drawn row; each needed row group is read once.
  const wanted = new Map<string, { part: number; start: number; end: number; rows: [number, number][] }>();
  for (const [at, global] of indices.entries()) {
    let row = global;
    let p = 0;
    while (row >= (parts[p]?.rows ?? 0)) row -= parts[p++]?.rows ?? 0;
    const groups = parts[p]?.meta.row_groups ?? [];
    let start = 0;
    let g = 0;
    while (g < groups.length && row >= start + Number(groups[g]?.num_rows ?? 0))
      start += Number(groups[g++]?.num_rows ?? 0);
    const key = `${p}:${g}`;
    const entry = wanted.get(key) ?? {
      part: p,
      start,
      end: start + Number(groups[g]?.num_rows ?? 0),
      rows: [],
    };
    entry.rows.push([at, row - start]);
    wanted.set(key, entry);
  }
  const captions: string[] = new Array(size).fill("");
  for (const w of wanted.values()) {
    const part = parts[w.part];
    if (!part) continue;
    const rows = await parquetReadObjects({
      file: part.buf,
      metadata: part.meta,
      columns: [column],
      rowStart: w.start,
      rowEnd: w.end,
      compressors,
    });
    for (const [at, offset] of w.rows) {
      captions[at] = String((rows[offset] as Record<string, unknown> | undefined)?.[column] ?? "");
    }
  }
  const sample: LaionCocoSample = {
    repo,
    revision,
    column,
    seed,
    population,
    indices,
    captions,
    templates: captions.map(toTemplate),
    cachedAt: new Date().toISOString(),
    cacheFile: file,
  };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(sample, null, 1));
  await rename(`${file}.tmp`, file);
  return sample;
}
