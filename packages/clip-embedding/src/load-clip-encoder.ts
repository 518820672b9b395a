import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { ConfigError, type EmbeddingCache, matchSpec, RANDOM_WEIGHTS_WARNING, sha256Hex } from "@vlmopt/core";
import { defaultCacheDir, hfHubCacheDir } from "./cache-dirs.js";
import { GENERATED_MARKER } from "./generate-clip-model.js";
import { findGenerated, GENERATED, type GeneratedSpec } from "./generated-models.js";
import { type DownloadProgress, downloadModel, hubRepoFolder } from "./hf-hub-download.js";
import { clipModelHash } from "./model-hash.js";
import { resolveModelDir } from "./model-layouts.js";
import { listModels, parseRegistrySpec } from "./model-registry.js";
import { OnnxClipEncoder } from "./onnx-clip-encoder.js";
import { siglipLogitsFromCheckpoint } from "./siglip-logits.js";

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
  /** cpu (default), cuda or cuda:N (onnxruntime-node's CUDA execution provider). */
  device?: string;
  /** SigLIP's learned logit scale / bias, when the repo's files do not carry them. */
  logitScale?: number;
  logitBias?: number;
}

async function generatedDir(
  spec: GeneratedSpec,
  options: LoadClipOptions,
  variant: "fp32" | "quantized" | "static-int8",
): Promise<string> {
  const root = join(options.cacheDir ?? defaultCacheDir(), "generated");
  const tok = options.tokenizerPath
    ? `-tok${sha256Hex(await readFile(options.tokenizerPath)).slice(0, 12)}`
    : "";
  const dir = join(root, `${spec.name}${variant === "fp32" ? "" : `-${variant}`}-v1${tok}`);
  if (!existsSync(join(dir, GENERATED_MARKER))) {
    await spec.generate(dir, {
      ...(options.tokenizerPath ? { tokenizerPath: options.tokenizerPath } : {}),
      ...(variant === "quantized" ? { quantized: true } : {}),
      ...(variant === "static-int8" ? { staticInt8: true } : {}),
    });
  }
  return dir;
}

/** Generated model `random:<name>` (`@<variant>` in `variant`, else options.dtype, else fp32), generated once into the cache. */
export async function loadGeneratedModel(
  name: string,
  variantGiven: string | undefined,
  options: LoadClipOptions = {},
): Promise<OnnxClipEncoder> {
  const gen = findGenerated(name);
  const want = variantGiven ?? options.dtype ?? "fp32";
  const variants = [
    "fp32",
    ...(gen.quantizable ? ["quantized"] : []),
    ...(gen.staticInt8 ? ["static-int8"] : []),
  ];
  if (!variants.includes(want)) {
    throw new ConfigError(`Generated model "random:${name}" has no dtype "${want}"`, {
      hint: `Use ${variants.map((v) => (v === "fp32" ? `random:${name}` : `random:${name}@${v}`)).join(", ")}`,
    });
  }
  const variant = want as "fp32" | "quantized" | "static-int8";
  const dir = await generatedDir(gen, options, variant);
  // The transformers.js layout names the int8 files *_quantized.onnx; immich's keeps the names.
  const dtype = variant === "quantized" && gen.layout === "transformers.js" ? "quantized" : undefined;
  const id = variant === "fp32" ? `random:${name}` : `random:${name}@${variant}`;
  return openModel(dir, dtype, id, options, RANDOM_WEIGHTS_WARNING);
}

/** A registry id (`clip-rn50`, `clip-vit-b16@fp16`, `siglip-b16`, ...), downloaded from its hub repo. */
export async function loadRegistryModel(
  spec: string,
  options: LoadClipOptions = {},
): Promise<OnnxClipEncoder> {
  const parsed = parseRegistrySpec(spec);
  if (!parsed) throw unknownModel(spec);
  const dtype = spec.includes("@") ? parsed.dtype : (options.dtype ?? parsed.dtype);
  const id = dtype === "fp32" ? parsed.model.id : `${parsed.model.id}@${dtype}`;
  const dir = (await downloadModel(parsed.model.id, { ...options, dtype })).dir;
  const checkpoint = parsed.model.checkpointRepo
    ? {
        repo: parsed.model.checkpointRepo,
        // Cached beside the export's own files, in its HF-cache repo folder.
        cacheFile: join(
          hubRepoFolder(options.hubCacheDir ?? hfHubCacheDir(process.env), parsed.model.hfRepo),
          "vlmopt",
          "siglip-logits.json",
        ),
      }
    : undefined;
  return openModel(dir, dtype, id, options, undefined, parsed.model.padToContext === true, checkpoint);
}

/** A local model folder in a known layout (transformers.js, immich OpenCLIP). */
export async function loadModelFolder(path: string, options: LoadClipOptions = {}): Promise<OnnxClipEncoder> {
  const dir = resolve(path);
  const dtype = options.dtype;
  const id = `dir:${basename(dir)}${dtype && dtype !== "fp32" ? `@${dtype}` : ""}`;
  return openModel(dir, dtype, id, options);
}

/** A HF repo id `owner/name[@dtype]`, its layout detected from the hub's file listing. */
export async function loadHubRepo(spec: string, options: LoadClipOptions = {}): Promise<OnnxClipEncoder> {
  const [repo, d] = spec.split("@") as [string, string | undefined];
  const dtype = d ?? options.dtype;
  const id = `hf:${repo}${dtype && dtype !== "fp32" ? `@${dtype}` : ""}`;
  const dir = (await downloadModel(repo, { ...options, ...(dtype ? { dtype } : {}) })).dir;
  return openModel(dir, dtype, id, options);
}

/** The ConfigError for a spec no backbone family owns, listing the forms. */
export function unknownModel(spec: string): ConfigError {
  return new ConfigError(`Unknown CLIP model "${spec}"`, {
    hint: `Use a registry id (${listModels()
      .map((m) => m.id)
      .join(
        ", ",
      )}), random:<${GENERATED.map((g) => g.name).join("|")}>, a local model folder, or a HF repo id owner/name`,
  });
}

/**
 * Loads a CLIP-family encoder from a spec: a registry id (`clip-rn50`, `clip-vit-b16@fp16`,
 * `siglip-b16`, ...), `random:<name>` (generated random-weight models, cached), a local directory
 * in a known layout (transformers.js or immich OpenCLIP), or a HF repo id `owner/name` (its
 * layout detected from the hub's file listing) — whichever backbone entry of src/plugins.ts owns it.
 */
export async function loadClipEncoder(spec: string, options: LoadClipOptions = {}): Promise<OnnxClipEncoder> {
  const { backbonePlugins } = await import("./plugins.js");
  const m = matchSpec(backbonePlugins, spec);
  if (!m) throw unknownModel(spec);
  // Every built-in family loads an OnnxClipEncoder.
  return (await m.plugin.create(m.plugin.parse(m.rest, m.prefix, spec), options)) as OnnxClipEncoder;
}

async function openModel(
  dir: string,
  dtype: string | undefined,
  id: string,
  options: LoadClipOptions,
  warning?: string,
  padToContext = false,
  checkpoint?: { repo: string; cacheFile: string },
): Promise<OnnxClipEncoder> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const model = await resolveModelDir(dir, dtype);
  if (padToContext) model.padToContext = true;
  const s = model.scoring;
  if (
    checkpoint &&
    s.kind === "sigmoid" &&
    (s.logitScale === undefined || s.logitBias === undefined) &&
    options.logitScale === undefined &&
    options.logitBias === undefined
  ) {
    // Only the two scalars, by Range requests through the hub download code; offline, the cached
    // values; on any failure, the scoring stays without them (matchProbabilities' hint).
    const got = await siglipLogitsFromCheckpoint(checkpoint.repo, checkpoint.cacheFile, {
      ...options,
      revision: "main",
    });
    if (got) model.scoring = { kind: "sigmoid", ...got };
  }
  const modelHash = await clipModelHash(model.textModel, model.visionModel, cacheDir);
  return OnnxClipEncoder.load(model, {
    id,
    modelHash,
    ...(warning ? { warning } : {}),
    ...(options.threads ? { threads: options.threads } : {}),
    ...(options.maxTextBatch ? { maxTextBatch: options.maxTextBatch } : {}),
    ...(options.maxImageBatch ? { maxImageBatch: options.maxImageBatch } : {}),
    ...(options.textCache ? { textCache: options.textCache } : {}),
    ...(options.device ? { device: options.device } : {}),
    ...(options.logitScale !== undefined ? { logitScale: options.logitScale } : {}),
    ...(options.logitBias !== undefined ? { logitBias: options.logitBias } : {}),
  });
}
