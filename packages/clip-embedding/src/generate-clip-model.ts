import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  type ClipArchitecture,
  randomClipWeights,
  TINY_CLIP_ARCHITECTURE,
  VIT_B32_ARCHITECTURE,
} from "./clip-architecture.js";
import { buildTextGraph, buildVisionGraph, HF_TEXT_IO, HF_VISION_IO } from "./clip-graph.js";
import { FP32_EMITTER } from "./layer-emitter.js";
import { DYNAMIC_INT8_EMITTER } from "./quantize-graph.js";
import { sharedClipTokenizerPath } from "./repo-paths.js";
import { buildTinyClipTokenizerJson, CLIP_BOS_ID, CLIP_EOS_ID } from "./tiny-tokenizer.js";

export interface GenerateClipOptions {
  /** tokenizer.json to ship with the model. Default: ../shared's CLIP tokenizer, else a tiny built one. */
  tokenizerPath?: string;
  /** Ship the tiny built tokenizer even when ../shared's CLIP tokenizer exists. */
  builtTokenizer?: boolean;
  seed?: number;
  /**
   * Emit the weight layers in onnxruntime's dynamic int8 pattern (DYNAMIC_INT8_EMITTER); the
   * transformers.js layout then names the files *_quantized.onnx, as the hub's variants are.
   */
  quantized?: boolean;
  /**
   * ModifiedResNet models only: the image tower's convs in static QDQ form (calibrated uint8
   * activations, int8 weights; onnxruntime runs them as QLinearConv), the text tower dynamic int8.
   */
  staticInt8?: boolean;
}

export interface GeneratedModelInfo {
  dir: string;
  tokenizer: "given" | "shared-clip" | "built-tiny";
}

/** Marker written last: a directory without it is incomplete. */
export const GENERATED_MARKER = "vlmopt-generated.json";

export const CLIP_IMAGE_MEAN = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_IMAGE_STD = [0.26862954, 0.26130258, 0.27577711];

function hfConfig(arch: ClipArchitecture, name: string): Record<string, unknown> {
  return {
    _name_or_path: name,
    architectures: ["CLIPModel"],
    model_type: "clip",
    projection_dim: arch.projectionDim,
    text_config: {
      model_type: "clip_text_model",
      vocab_size: arch.text.vocabSize,
      hidden_size: arch.text.width,
      intermediate_size: arch.text.mlp,
      num_attention_heads: arch.text.heads,
      num_hidden_layers: arch.text.layers,
      max_position_embeddings: arch.text.maxPositions,
      hidden_act: "quick_gelu",
      layer_norm_eps: arch.layerNormEps,
      projection_dim: arch.projectionDim,
      bos_token_id: CLIP_BOS_ID,
      eos_token_id: CLIP_EOS_ID,
      pad_token_id: 1,
    },
    vision_config: {
      model_type: "clip_vision_model",
      image_size: arch.vision.imageSize,
      patch_size: arch.vision.patchSize,
      hidden_size: arch.vision.width,
      intermediate_size: arch.vision.mlp,
      num_attention_heads: arch.vision.heads,
      num_hidden_layers: arch.vision.layers,
      hidden_act: "quick_gelu",
      layer_norm_eps: arch.layerNormEps,
      projection_dim: arch.projectionDim,
      num_channels: 3,
    },
  };
}

function preprocessorConfig(size: number): Record<string, unknown> {
  return {
    crop_size: { height: size, width: size },
    do_center_crop: true,
    do_convert_rgb: true,
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    feature_extractor_type: "CLIPFeatureExtractor",
    image_processor_type: "CLIPImageProcessor",
    image_mean: CLIP_IMAGE_MEAN,
    image_std: CLIP_IMAGE_STD,
    resample: 3,
    rescale_factor: 1 / 255,
    size: { shortest_edge: size },
  };
}

/**
 * Runs `write(tmp)` in a temporary folder next to `dir`, adds the marker and renames it into
 * place, so `dir` either holds a complete model or nothing (another process finishing first wins).
 */
export async function writeGeneratedDir(
  dir: string,
  marker: Record<string, unknown>,
  write: (tmp: string) => Promise<void>,
): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  try {
    await write(tmp);
    await writeFile(join(tmp, GENERATED_MARKER), json({ ...marker, warning: "random weights" }));
    await mkdir(dirname(dir), { recursive: true });
    if (existsSync(join(dir, GENERATED_MARKER))) {
      // Another process finished the same model first: keep its copy (it may be in use).
      await rm(tmp, { recursive: true, force: true });
      return;
    }
    if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

export const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

/** Copies the tokenizer to ship (given, ../shared's CLIP tokenizer, or the tiny built one) to `path`. */
export async function writeClipTokenizer(
  path: string,
  options: GenerateClipOptions,
): Promise<GeneratedModelInfo["tokenizer"]> {
  const shared = options.tokenizerPath || options.builtTokenizer ? undefined : sharedClipTokenizerPath();
  if (options.tokenizerPath || shared) {
    await writeFile(path, await readFile((options.tokenizerPath ?? shared) as string));
    return options.tokenizerPath ? "given" : "shared-clip";
  }
  await writeFile(path, JSON.stringify(buildTinyClipTokenizerJson()));
  return "built-tiny";
}

/**
 * Writes a random-weight CLIP model in the HF/Xenova ONNX layout (onnx/text_model.onnx,
 * onnx/vision_model.onnx, config.json, preprocessor_config.json, tokenizer.json,
 * tokenizer_config.json) to `dir`. It is written to a temporary folder and renamed, so `dir`
 * either holds a complete model or nothing.
 */
export async function generateClipModel(
  dir: string,
  arch: ClipArchitecture,
  name: string,
  options: GenerateClipOptions = {},
): Promise<GeneratedModelInfo> {
  const seed = options.seed ?? 1234;
  let tokenizer: GeneratedModelInfo["tokenizer"] = "built-tiny";
  await writeGeneratedDir(
    dir,
    { name, seed, quantized: options.quantized === true, architecture: arch },
    async (tmp) => {
      await mkdir(join(tmp, "onnx"), { recursive: true });
      // One tower at a time, so only one tower's weights are in memory.
      const emit = options.quantized ? DYNAMIC_INT8_EMITTER : FP32_EMITTER;
      const sfx = options.quantized ? "_quantized" : "";
      await buildTextGraph(arch, randomClipWeights("text", arch, seed), HF_TEXT_IO, emit).writeTo(
        join(tmp, `onnx/text_model${sfx}.onnx`),
      );
      await buildVisionGraph(arch, randomClipWeights("vision", arch, seed + 1), HF_VISION_IO, emit).writeTo(
        join(tmp, `onnx/vision_model${sfx}.onnx`),
      );
      tokenizer = await writeClipTokenizer(join(tmp, "tokenizer.json"), options);
      await writeFile(join(tmp, "config.json"), json(hfConfig(arch, name)));
      await writeFile(join(tmp, "preprocessor_config.json"), json(preprocessorConfig(arch.vision.imageSize)));
      await writeFile(
        join(tmp, "tokenizer_config.json"),
        json({
          tokenizer_class: "CLIPTokenizer",
          model_max_length: arch.text.maxPositions,
          bos_token: "<|startoftext|>",
          eos_token: "<|endoftext|>",
          pad_token: "<|endoftext|>",
          unk_token: "<|endoftext|>",
          do_lower_case: true,
        }),
      );
    },
  );
  return { dir, tokenizer };
}

/** The tiny CLIP-shaped test model (widths 16, 2 layers, projection 12; seconds to build, ~3 MB). */
export function generateTinyClip(
  dir: string,
  options: GenerateClipOptions = {},
): Promise<GeneratedModelInfo> {
  return generateClipModel(dir, TINY_CLIP_ARCHITECTURE, "random:tiny", options);
}

/** Random weights with OpenAI CLIP ViT-B/32's exact architecture (~600 MB fp32). */
export function generateVitB32Random(
  dir: string,
  options: GenerateClipOptions = {},
): Promise<GeneratedModelInfo> {
  return generateClipModel(dir, VIT_B32_ARCHITECTURE, "random:vit-b32", options);
}
