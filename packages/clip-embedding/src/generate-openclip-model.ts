import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type ClipArchitecture,
  type ClipWeights,
  randomClipWeights,
  TINY_CLIP_ARCHITECTURE,
} from "./clip-architecture.js";
import {
  buildTextGraph,
  buildVisionGraph,
  IMMICH_TEXT_IO,
  IMMICH_VISION_IO,
  SIGLIP_TEXT_IO,
  SIGLIP_VISION_IO,
} from "./clip-graph.js";
import {
  CLIP_IMAGE_MEAN,
  CLIP_IMAGE_STD,
  type GenerateClipOptions,
  type GeneratedModelInfo,
  json,
  writeClipTokenizer,
  writeGeneratedDir,
} from "./generate-clip-model.js";
import { parseOpenClipPreprocessConfig, preprocessImage } from "./image-preprocess.js";
import { FP32_EMITTER, type LayerEmitter } from "./layer-emitter.js";
import { DYNAMIC_INT8_EMITTER } from "./quantize-graph.js";
import {
  type ResNetClipArchitecture,
  RN50_ARCHITECTURE,
  RN101_ARCHITECTURE,
  randomResnetWeights,
  TINY_RN_ARCHITECTURE,
  textPart,
} from "./resnet-architecture.js";
import { buildResnetVisionGraph } from "./resnet-graph.js";
import { calibrate, calibrationEmitter, staticQdqEmitter } from "./static-qdq.js";
import { gradientImage } from "./test-images.js";
import { buildTinySentencePieceJson, tinySentencePieceVocabSize } from "./tiny-sentencepiece.js";

/** open_clip's model config for a ModifiedResNet CLIP (as in open_clip's RN50.json), saved by immich as config.json. */
function openClipConfig(arch: ResNetClipArchitecture): Record<string, unknown> {
  return {
    embed_dim: arch.projectionDim,
    quick_gelu: true,
    vision_cfg: {
      image_size: arch.vision.imageSize,
      layers: arch.vision.layers,
      width: arch.vision.width,
      patch_size: null,
    },
    text_cfg: {
      context_length: arch.text.maxPositions,
      vocab_size: arch.text.vocabSize,
      width: arch.text.width,
      heads: arch.text.heads,
      layers: arch.text.layers,
    },
  };
}

/**
 * Writes a random-weight ModifiedResNet CLIP in immich-app's OpenCLIP export layout:
 * textual/model.onnx (`text` int32 [1, 77] → `embedding`, normalised), visual/model.onnx
 * (`image` float32 [1, 3, H, W] → `embedding`, normalised), visual/preprocess_cfg.json,
 * textual/tokenizer.json + tokenizer_config.json, config.json.
 */
export async function generateResnetClip(
  dir: string,
  arch: ResNetClipArchitecture,
  name: string,
  options: GenerateClipOptions = {},
): Promise<GeneratedModelInfo> {
  const seed = options.seed ?? 1234;
  let tokenizer: GeneratedModelInfo["tokenizer"] = "built-tiny";
  // immich's layout has no dtype variants: a quantized model keeps the file names.
  const emit = options.quantized || options.staticInt8 ? DYNAMIC_INT8_EMITTER : FP32_EMITTER;
  await writeGeneratedDir(
    dir,
    {
      name,
      seed,
      variant: options.staticInt8 ? "static-int8" : options.quantized ? "quantized" : "fp32",
      architecture: arch,
    },
    async (tmp) => {
      await mkdir(join(tmp, "textual"), { recursive: true });
      await mkdir(join(tmp, "visual"), { recursive: true });
      const text = textPart(arch);
      await buildTextGraph(
        text,
        randomClipWeights("text", text, seed),
        { ...IMMICH_TEXT_IO, fixedSeq: arch.text.maxPositions },
        emit,
      ).writeTo(join(tmp, "textual/model.onnx"));
      const vw = randomResnetWeights(arch, seed + 1);
      const visionEmit = options.staticInt8 ? await calibratedQdqEmitter(arch, vw, tmp) : emit;
      await buildResnetVisionGraph(arch, vw, IMMICH_VISION_IO, visionEmit).writeTo(
        join(tmp, "visual/model.onnx"),
      );
      tokenizer = await writeClipTokenizer(join(tmp, "textual/tokenizer.json"), options);
      await writeFile(
        join(tmp, "textual/tokenizer_config.json"),
        json({
          tokenizer_class: "CLIPTokenizer",
          pad_token: "<|endoftext|>",
          eos_token: "<|endoftext|>",
          model_max_length: 77,
        }),
      );
      await writeFile(
        join(tmp, "visual/preprocess_cfg.json"),
        json({
          size: [arch.vision.imageSize, arch.vision.imageSize],
          mode: "RGB",
          mean: CLIP_IMAGE_MEAN,
          std: CLIP_IMAGE_STD,
          interpolation: "bicubic",
          resize_mode: "shortest",
          fill_color: 0,
        }),
      );
      await writeFile(join(tmp, "config.json"), json(openClipConfig(arch)));
    },
  );
  return { dir, tokenizer };
}

/**
 * Calibrates the fp32 image tower on 8 synthetic gradient images (preprocessed as the model's
 * config says) and returns the static QDQ emitter with each conv's observed input/output range.
 */
async function calibratedQdqEmitter(
  arch: ResNetClipArchitecture,
  w: ClipWeights,
  tmp: string,
): Promise<LayerEmitter> {
  const calib = calibrationEmitter();
  const path = join(tmp, "visual/calibration.onnx");
  await buildResnetVisionGraph(arch, w, IMMICH_VISION_IO, calib.emitter).writeTo(path);
  const S = arch.vision.imageSize;
  const cfg = parseOpenClipPreprocessConfig({ size: S, mean: CLIP_IMAGE_MEAN, std: CLIP_IMAGE_STD });
  const inputs: Float32Array[] = [];
  for (let i = 0; i < 8; i++) {
    const px = new Float32Array(3 * S * S);
    await preprocessImage(await gradientImage(S + 37 * i, S + 11 * (7 - i), "png", i), cfg, px, 0);
    inputs.push(px);
  }
  const ranges = await calibrate(path, IMMICH_VISION_IO.input, calib.taps, inputs, [S, S]);
  await rm(path, { force: true });
  return staticQdqEmitter(ranges);
}

export const generateTinyRn = (dir: string, o: GenerateClipOptions = {}) =>
  generateResnetClip(dir, TINY_RN_ARCHITECTURE, "random:tiny-rn50", o);
export const generateRn50Random = (dir: string, o: GenerateClipOptions = {}) =>
  generateResnetClip(dir, RN50_ARCHITECTURE, "random:rn50", o);
export const generateRn101Random = (dir: string, o: GenerateClipOptions = {}) =>
  generateResnetClip(dir, RN101_ARCHITECTURE, "random:rn101", o);

/** The tiny SigLIP-layout model's shape: CLIP-style towers, SigLIP's 64-token context and vocabulary ids. */
export const TINY_SIGLIP_ARCHITECTURE: ClipArchitecture = {
  ...TINY_CLIP_ARCHITECTURE,
  text: { ...TINY_CLIP_ARCHITECTURE.text, vocabSize: tinySentencePieceVocabSize(), maxPositions: 64 },
  vision: { ...TINY_CLIP_ARCHITECTURE.vision, imageSize: 64, patchSize: 16 },
  layerNormEps: 1e-6,
};

/**
 * SigLIP B/16 at 224 px (google/siglip-base-patch16-224's config: text vocab 32,000, 64 positions,
 * 12 layers of width 768 and MLP 3072 with 12 heads; vision 224 px, patch 16, the same widths;
 * 768-d embeddings, layer-norm eps 1e-6). The generated towers are the CLIP-style blocks of
 * clip-graph.ts at these sizes: a class token instead of SigLIP's attention-pooling head (197
 * tokens instead of 196, and no MAP head: ~1% of the vision FLOPs), quick_gelu instead of
 * gelu-tanh. For speed measurements of the SigLIP layout at its real cost, not for accuracy.
 */
export const SIGLIP_B16_ARCHITECTURE: ClipArchitecture = {
  text: { vocabSize: 32000, width: 768, heads: 12, layers: 12, mlp: 3072, maxPositions: 64 },
  vision: { imageSize: 224, patchSize: 16, width: 768, heads: 12, layers: 12, mlp: 3072 },
  projectionDim: 768,
  layerNormEps: 1e-6,
};

/** The learned scale and bias the generated SigLIP models carry in config.json (logit_scale, logit_bias). */
export const TINY_SIGLIP_SCORING = { logitScale: 10, logitBias: -2.5 };

/**
 * A tiny model in Xenova's SigLIP layout, for the tokenizer/preprocessing/scoring path:
 * SentencePiece tokenizer padded to 64 tokens with </s> last, input_ids only, full attention and
 * last-position pooling in the text tower, `pooler_output` outputs, squash resize with
 * mean = std = 0.5, sigmoid scoring. The towers are CLIP-style transformers (no MAP head), so this
 * is SigLIP's interface, not its exact architecture.
 */
export function generateTinySiglip(
  dir: string,
  options: { seed?: number; quantized?: boolean } = {},
): Promise<GeneratedModelInfo> {
  return generateSiglipModel(dir, TINY_SIGLIP_ARCHITECTURE, "random:tiny-siglip", options);
}

/** Random weights at SigLIP B/16's sizes in Xenova's SigLIP layout (~800 MB fp32; see SIGLIP_B16_ARCHITECTURE). */
export function generateSiglipB16Random(
  dir: string,
  options: { seed?: number; quantized?: boolean } = {},
): Promise<GeneratedModelInfo> {
  return generateSiglipModel(dir, SIGLIP_B16_ARCHITECTURE, "random:siglip-b16", options);
}

/**
 * Writes a random-weight model in Xenova's SigLIP layout (onnx/{text,vision}_model{,_quantized}.onnx,
 * the tiny SentencePiece tokenizer, SigLIP's tokenizer and preprocessor configs, config.json
 * with model_type "siglip" and the scale and bias of TINY_SIGLIP_SCORING).
 */
export async function generateSiglipModel(
  dir: string,
  arch: ClipArchitecture,
  name: string,
  options: { seed?: number; quantized?: boolean } = {},
): Promise<GeneratedModelInfo> {
  const seed = options.seed ?? 1234;
  const emit = options.quantized ? DYNAMIC_INT8_EMITTER : FP32_EMITTER;
  const sfx = options.quantized ? "_quantized" : "";
  const marker = { name, seed, quantized: options.quantized === true, architecture: arch };
  await writeGeneratedDir(dir, marker, async (tmp) => {
    await mkdir(join(tmp, "onnx"), { recursive: true });
    const textIo = { ...SIGLIP_TEXT_IO, fixedSeq: arch.text.maxPositions };
    await buildTextGraph(arch, randomClipWeights("text", arch, seed), textIo, emit).writeTo(
      join(tmp, `onnx/text_model${sfx}.onnx`),
    );
    await buildVisionGraph(arch, randomClipWeights("vision", arch, seed + 1), SIGLIP_VISION_IO, emit).writeTo(
      join(tmp, `onnx/vision_model${sfx}.onnx`),
    );
    await writeFile(join(tmp, "tokenizer.json"), JSON.stringify(buildTinySentencePieceJson()));
    await writeFile(
      join(tmp, "tokenizer_config.json"),
      json({
        tokenizer_class: "SiglipTokenizer",
        pad_token: "</s>",
        eos_token: "</s>",
        unk_token: "<unk>",
        model_max_length: arch.text.maxPositions,
      }),
    );
    await writeFile(
      join(tmp, "preprocessor_config.json"),
      json({
        do_normalize: true,
        do_rescale: true,
        do_resize: true,
        image_mean: [0.5, 0.5, 0.5],
        image_std: [0.5, 0.5, 0.5],
        image_processor_type: "SiglipImageProcessor",
        processor_class: "SiglipProcessor",
        resample: 3,
        rescale_factor: 1 / 255,
        size: { height: arch.vision.imageSize, width: arch.vision.imageSize },
      }),
    );
    await writeFile(
      join(tmp, "config.json"),
      json({
        model_type: "siglip",
        architectures: ["SiglipModel"],
        text_config: {
          model_type: "siglip_text_model",
          max_position_embeddings: arch.text.maxPositions,
          vocab_size: arch.text.vocabSize,
          hidden_size: arch.text.width,
          num_hidden_layers: arch.text.layers,
        },
        vision_config: {
          model_type: "siglip_vision_model",
          image_size: arch.vision.imageSize,
          patch_size: arch.vision.patchSize,
          hidden_size: arch.vision.width,
          num_hidden_layers: arch.vision.layers,
        },
        logit_scale: TINY_SIGLIP_SCORING.logitScale,
        logit_bias: TINY_SIGLIP_SCORING.logitBias,
      }),
    );
  });
  return { dir, tokenizer: "built-tiny" };
}
