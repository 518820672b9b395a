import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { ConfigError, type EmbeddingCache, RANDOM_WEIGHTS_WARNING, sha256Hex } from "@vlmopt/core";
import { defaultCacheDir } from "./cache-dirs.js";
import {
  GENERATED_MARKER,
  type GenerateClipOptions,
  generateTinyClip,
  generateVitB32Random,
} from "./generate-clip-model.js";
import {
  generateRn50Random,
  generateRn101Random,
  generateTinyRn,
  generateTinySiglip,
} from "./generate-openclip-model.js";
import { type DownloadProgress, downloadModel } from "./hf-hub-download.js";
import { clipModelHash } from "./model-hash.js";
import { resolveModelDir } from "./model-layouts.js";
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
  /** cpu (default), cuda or cuda:N (onnxruntime-node's CUDA execution provider). */
  device?: string;
  /** SigLIP's learned logit scale / bias, when the repo's files do not carry them. */
  logitScale?: number;
  logitBias?: number;
}

/** A generated random-weight model: its generator and a one-line description. */
interface GeneratedSpec {
  name: string;
  description: string;
  generate: (dir: string, options: GenerateClipOptions) => Promise<unknown>;
  /** Has an `@quantized` variant (onnxruntime's dynamic int8 op pattern). */
  quantizable?: boolean;
  /** Has an `@static-int8` variant (calibrated static QDQ convs → QLinearConv; ModifiedResNet). */
  staticInt8?: boolean;
  /** The transformers.js layout names quantized files *_quantized.onnx; immich keeps the names. */
  layout: "transformers.js" | "immich-openclip";
}

const GENERATED: readonly GeneratedSpec[] = [
  {
    name: "tiny",
    description: "tiny CLIP ViT, transformers.js layout (tests)",
    generate: generateTinyClip,
    quantizable: true,
    layout: "transformers.js",
  },
  {
    name: "vit-b32",
    description: "CLIP ViT-B/32's exact shape, transformers.js layout (~600 MB)",
    generate: generateVitB32Random,
    quantizable: true,
    layout: "transformers.js",
  },
  {
    name: "tiny-rn50",
    description: "tiny CLIP ModifiedResNet, immich OpenCLIP layout (tests)",
    generate: generateTinyRn,
    quantizable: true,
    staticInt8: true,
    layout: "immich-openclip",
  },
  {
    name: "rn50",
    description: "CLIP RN50's exact shape, immich OpenCLIP layout (~400 MB)",
    generate: generateRn50Random,
    quantizable: true,
    staticInt8: true,
    layout: "immich-openclip",
  },
  {
    name: "rn101",
    description: "CLIP RN101's exact shape, immich OpenCLIP layout (~480 MB)",
    generate: generateRn101Random,
    quantizable: true,
    staticInt8: true,
    layout: "immich-openclip",
  },
  {
    name: "tiny-siglip",
    description: "tiny model in Xenova's SigLIP layout (tests)",
    generate: (d) => generateTinySiglip(d),
    layout: "transformers.js",
  },
];

/** The generated models (`random:<name>`), for listings. */
export function listGeneratedModels(): { id: string; description: string }[] {
  return GENERATED.flatMap((g) => [
    { id: `random:${g.name}`, description: `${g.description} — random weights` },
    ...(g.quantizable
      ? [
          {
            id: `random:${g.name}@quantized`,
            description: "the same, int8 in onnxruntime's dynamic-quantization ops",
          },
        ]
      : []),
  ]);
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

/**
 * Loads a CLIP-family encoder from a spec: a registry id (`clip-rn50`, `clip-vit-b16@fp16`,
 * `siglip-b16`, ...), `random:<name>` (generated random-weight models, cached), a local directory
 * in a known layout (transformers.js or immich OpenCLIP), or a HF repo id `owner/name` (its
 * layout detected from the hub's file listing).
 */
export async function loadClipEncoder(spec: string, options: LoadClipOptions = {}): Promise<OnnxClipEncoder> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  let dir: string;
  let dtype = options.dtype;
  let id = spec;
  let warning: string | undefined;
  let padToContext = false;
  if (spec.startsWith("random:")) {
    const [name, d] = spec.slice("random:".length).split("@") as [string, string | undefined];
    const gen = GENERATED.find((g) => g.name === name);
    if (!gen) {
      throw new ConfigError(`Unknown generated model "${spec}"`, {
        hint: `Use one of: ${GENERATED.map((g) => `random:${g.name}`).join(", ")}`,
      });
    }
    const want = d ?? dtype ?? "fp32";
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
    dir = await generatedDir(gen, options, variant);
    // The transformers.js layout names the int8 files *_quantized.onnx; immich's keeps the names.
    dtype = variant === "quantized" && gen.layout === "transformers.js" ? "quantized" : undefined;
    id = variant === "fp32" ? `random:${name}` : `random:${name}@${variant}`;
    warning = RANDOM_WEIGHTS_WARNING;
  } else if (parseRegistrySpec(spec)) {
    const parsed = parseRegistrySpec(spec) as NonNullable<ReturnType<typeof parseRegistrySpec>>;
    dtype = spec.includes("@") ? parsed.dtype : (options.dtype ?? parsed.dtype);
    id = dtype === "fp32" ? parsed.model.id : `${parsed.model.id}@${dtype}`;
    dir = (await downloadModel(parsed.model.id, { ...options, dtype })).dir;
    padToContext = parsed.model.padToContext === true;
  } else if (existsSync(spec)) {
    dir = resolve(spec);
    id = `dir:${basename(dir)}${dtype && dtype !== "fp32" ? `@${dtype}` : ""}`;
  } else if (/^[\w.-]+\/[\w.-]+(@[\w.-]+)?$/.test(spec)) {
    const [repo, d] = spec.split("@") as [string, string | undefined];
    dtype = d ?? dtype;
    id = `hf:${repo}${dtype && dtype !== "fp32" ? `@${dtype}` : ""}`;
    dir = (await downloadModel(repo, { ...options, ...(dtype ? { dtype } : {}) })).dir;
  } else {
    throw new ConfigError(`Unknown CLIP model "${spec}"`, {
      hint: `Use a registry id (${listModels()
        .map((m) => m.id)
        .join(
          ", ",
        )}), random:<${GENERATED.map((g) => g.name).join("|")}>, a local model folder, or a HF repo id owner/name`,
    });
  }
  const model = await resolveModelDir(dir, dtype);
  if (padToContext) model.padToContext = true;
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
