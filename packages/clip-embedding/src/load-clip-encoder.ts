import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { ConfigError, type EmbeddingCache, RANDOM_WEIGHTS_WARNING, sha256Hex } from "@vlmopt/core";
import { defaultCacheDir } from "./cache-dirs.js";
import { GENERATED_MARKER, generateTinyClip, generateVitB32Random } from "./generate-clip-model.js";
import { type DownloadProgress, downloadModel, downloadRepoFiles } from "./hf-hub-download.js";
import { clipModelPaths, resolveClipModelFiles } from "./model-files.js";
import { clipModelHash } from "./model-hash.js";
import { listModels, parseRegistrySpec } from "./model-registry.js";
import { OnnxClipEncoder } from "./onnx-clip-encoder.js";

export interface LoadClipOptions {
  /** vlmopt's cache (generated models, file-hash memo). Default: defaultCacheDir(). */
  cacheDir?: string;
  /** onnxruntime threads. Default: the machine's available parallelism. */
  threads?: number;
  /** Never touch the network (also when HF_HUB_OFFLINE=1). */
  offline?: boolean;
  /** Hub revision (branch, tag or commit). Default "main". */
  revision?: string;
  /** ONNX variant: fp32 (default), fp16, quantized. A "@dtype" suffix on the spec wins. */
  dtype?: string;
  onDownloadProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
  /** For `random:*` models: the tokenizer.json to ship (default: ../shared's CLIP tokenizer, else a tiny one). */
  tokenizerPath?: string;
  /** Injected fetch (tests). */
  fetch?: typeof fetch;
  /** Hub endpoint (default HF_ENDPOINT, else https://huggingface.co). */
  endpoint?: string;
  /** HF hub cache (default HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub). */
  hubCacheDir?: string;
  maxTextBatch?: number;
  maxImageBatch?: number;
  /** Persistent text-feature cache (e.g. a DiskEmbeddingCache); texts are always cached in memory. */
  textCache?: EmbeddingCache;
}

const GENERATED = ["tiny", "vit-b32"] as const;

async function generatedDir(name: (typeof GENERATED)[number], options: LoadClipOptions): Promise<string> {
  const root = join(options.cacheDir ?? defaultCacheDir(), "generated");
  const tok = options.tokenizerPath
    ? `-tok${sha256Hex(await readFile(options.tokenizerPath)).slice(0, 12)}`
    : "";
  const dir = join(root, `${name}-v1${tok}`);
  if (!existsSync(join(dir, GENERATED_MARKER))) {
    const gen = name === "tiny" ? generateTinyClip : generateVitB32Random;
    await gen(dir, options.tokenizerPath ? { tokenizerPath: options.tokenizerPath } : {});
  }
  return dir;
}

/**
 * Loads a CLIP encoder from a spec: a registry id (`clip-vit-b32`, `clip-vit-b16@fp16`, ...),
 * `random:tiny` / `random:vit-b32` (generated random-weight models, cached), a local directory in
 * the HF layout, or a HF repo id `owner/name`.
 */
export async function loadClipEncoder(spec: string, options: LoadClipOptions = {}): Promise<OnnxClipEncoder> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  let dir: string;
  let dtype = options.dtype;
  let id = spec;
  let warning: string | undefined;
  if (spec.startsWith("random:")) {
    const name = spec.slice("random:".length);
    if (!(GENERATED as readonly string[]).includes(name)) {
      throw new ConfigError(`Unknown generated model "${spec}"`, {
        hint: `Use one of: ${GENERATED.map((g) => `random:${g}`).join(", ")}`,
      });
    }
    dir = await generatedDir(name as (typeof GENERATED)[number], options);
    dtype = undefined;
    warning = RANDOM_WEIGHTS_WARNING;
  } else if (parseRegistrySpec(spec)) {
    const parsed = parseRegistrySpec(spec) as NonNullable<ReturnType<typeof parseRegistrySpec>>;
    dtype = spec.includes("@") ? parsed.dtype : (options.dtype ?? parsed.dtype);
    id = dtype === "fp32" ? parsed.model.id : `${parsed.model.id}@${dtype}`;
    dir = (await downloadModel(parsed.model.id, { ...options, dtype })).dir;
  } else if (existsSync(spec)) {
    dir = resolve(spec);
    id = `dir:${basename(dir)}${dtype && dtype !== "fp32" ? `@${dtype}` : ""}`;
  } else if (/^[\w.-]+\/[\w.-]+(@[\w.-]+)?$/.test(spec)) {
    const [repo, d] = spec.split("@") as [string, string | undefined];
    dtype = d ?? dtype;
    id = `hf:${repo}${dtype && dtype !== "fp32" ? `@${dtype}` : ""}`;
    dir = (await downloadRepoFiles(repo, clipModelPaths(dtype), { ...options, optional: ["config.json"] }))
      .dir;
  } else {
    throw new ConfigError(`Unknown CLIP model "${spec}"`, {
      hint: `Use a registry id (${listModels()
        .map((m) => m.id)
        .join(
          ", ",
        )}), random:tiny, random:vit-b32, a local folder in the HF layout, or a HF repo id owner/name`,
    });
  }
  const files = resolveClipModelFiles(dir, dtype);
  const modelHash = await clipModelHash(files.textModel, files.visionModel, cacheDir);
  return OnnxClipEncoder.load(files, {
    id,
    modelHash,
    ...(warning ? { warning } : {}),
    ...(options.threads ? { threads: options.threads } : {}),
    ...(options.maxTextBatch ? { maxTextBatch: options.maxTextBatch } : {}),
    ...(options.maxImageBatch ? { maxImageBatch: options.maxImageBatch } : {}),
    ...(options.textCache ? { textCache: options.textCache } : {}),
  });
}
