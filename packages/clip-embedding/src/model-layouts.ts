import { existsSync, readdirSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { ModelLoadError } from "@vlmopt/core";
import { type PreprocessConfig, readPreprocessConfig } from "./image-preprocess.js";
import { clipModelPaths, dtypeSuffix } from "./model-files.js";

/** A special token in a tokenizer config: a plain string, or an added-token object's `content`. */
const tokenString = (v: unknown): string | undefined =>
  typeof v === "string"
    ? v
    : typeof (v as { content?: unknown })?.content === "string"
      ? (v as { content: string }).content
      : undefined;

/** How probabilities are computed from a cosine similarity (the argmax is the same either way). */
export type Scoring =
  /** CLIP: softmax over classes of logitScale · cos (OpenAI's README: `100.0 * image @ text.T`). */
  | { kind: "softmax"; logitScale: number }
  /** SigLIP: per class sigmoid(logitScale · cos + logitBias), the model's learned scale and bias. */
  | {
      kind: "sigmoid";
      logitScale: number | undefined;
      logitBias: number | undefined;
      /** Where scale and bias came from: "config.json", "options", or "<repo>/model.safetensors@<rev>". */
      source?: string;
    };

/** Everything the encoder needs from a model folder, whatever its layout. */
export interface ResolvedClipModel {
  layout: ModelLayout["id"];
  family: "clip" | "siglip";
  dir: string;
  textModel: string;
  visionModel: string;
  tokenizer: string;
  contextLength: number;
  padToContext: boolean;
  padToken: string | undefined;
  eosToken: string | undefined;
  preprocess: PreprocessConfig;
  scoring: Scoring;
}

/** A file layout a CLIP-family model can come in: self-describing, detected from a file listing. */
export interface ModelLayout {
  readonly id: "transformers.js" | "immich-openclip";
  readonly description: string;
  /** The files a listing must hold for this layout (any dtype). */
  readonly markers: readonly string[];
  detect(files: ReadonlySet<string>): boolean;
  /** Repo paths to download for a dtype (required ones first) and which of them are optional. */
  paths(dtype: string | undefined): { all: string[]; optional: string[] };
  resolve(dir: string, dtype: string | undefined): Promise<ResolvedClipModel>;
}

async function readJson(path: string, what: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new ModelLoadError(`Cannot parse ${path} (${what}): ${(error as Error).message}`, {
      hint: "Use the file of the model's HF repo (re-download it)",
      cause: error,
    });
  }
}

function requireFiles(dir: string, layout: string, entries: [string, string][]): void {
  for (const [path, what] of entries) {
    if (!existsSync(join(dir, path))) {
      throw new ModelLoadError(
        `Model directory ${dir} (${layout} layout) is missing ${join(dir, path)} (${what})`,
        {
          hint: `A ${layout} model folder needs ${entries.map(([p]) => p).join(", ")}`,
        },
      );
    }
  }
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** `sigmoid` scoring with the learned scale and bias when the config carries them. */
function siglipScoring(cfg: Record<string, unknown>): Scoring {
  const logitScale = num(cfg.logit_scale);
  const logitBias = num(cfg.logit_bias);
  return {
    kind: "sigmoid",
    logitScale,
    logitBias,
    ...(logitScale !== undefined && logitBias !== undefined ? { source: "config.json" } : {}),
  };
}

// OpenAI CLIP's learned logit scale is clamped at 100 (README zero-shot example:
// `similarity = (100.0 * image_features @ text_features.T).softmax(dim=-1)`,
// https://github.com/openai/CLIP/blob/main/README.md).
const CLIP_SCORING: Scoring = { kind: "softmax", logitScale: 100 };

/**
 * transformers.js / Xenova (optimum) exports: onnx/text_model{_fp16,_quantized}.onnx,
 * onnx/vision_model….onnx, tokenizer.json, preprocessor_config.json, config.json. config.json's
 * model_type tells CLIP from SigLIP (Xenova/siglip-base-patch16-224: SentencePiece tokenizer padded
 * to max_length 64, text and image `pooler_output`, size {height, width} squashed, mean = std = 0.5).
 */
export const TRANSFORMERS_JS_LAYOUT: ModelLayout = {
  id: "transformers.js",
  description:
    "Xenova/transformers.js export: onnx/text_model.onnx, onnx/vision_model.onnx, tokenizer.json, preprocessor_config.json",
  markers: ["onnx/text_model.onnx", "onnx/vision_model.onnx", "tokenizer.json", "preprocessor_config.json"],
  detect: (files) => [...files].some((f) => /^onnx\/(text|vision)_model(_\w+)?\.onnx$/.test(f)),
  paths: (dtype) => ({
    all: [...clipModelPaths(dtype), "tokenizer_config.json"],
    optional: ["config.json", "tokenizer_config.json"],
  }),
  async resolve(dir, dtype) {
    const s = dtypeSuffix(dtype);
    const text = `onnx/text_model${s}.onnx`;
    const vision = `onnx/vision_model${s}.onnx`;
    requireFiles(dir, "transformers.js", [
      [text, "the text tower"],
      [vision, "the vision tower"],
      ["tokenizer.json", "the tokenizer"],
      ["preprocessor_config.json", "the image preprocessing settings"],
    ]);
    const cfg = existsSync(join(dir, "config.json"))
      ? await readJson(join(dir, "config.json"), "model config")
      : {};
    const tokCfg = existsSync(join(dir, "tokenizer_config.json"))
      ? await readJson(join(dir, "tokenizer_config.json"), "tokenizer config")
      : {};
    const pre = await readJson(join(dir, "preprocessor_config.json"), "image preprocessing");
    const siglip =
      cfg.model_type === "siglip" ||
      String(pre.image_processor_type ?? "")
        .toLowerCase()
        .startsWith("siglip");
    const textCfg = (cfg.text_config ?? {}) as Record<string, unknown>;
    return {
      layout: "transformers.js",
      family: siglip ? "siglip" : "clip",
      dir,
      textModel: join(dir, text),
      visionModel: join(dir, vision),
      tokenizer: join(dir, "tokenizer.json"),
      contextLength: num(textCfg.max_position_embeddings) ?? (siglip ? 64 : 77),
      padToContext: siglip,
      // transformers.js pads with the tokenizer's pad_token; for CLIP's causal, masked text tower
      // the value does not matter, for SigLIP's and MobileCLIP's full-attention towers it does.
      padToken: tokenString(tokCfg.pad_token),
      eosToken: tokenString(tokCfg.eos_token),
      preprocess: await readPreprocessConfig(join(dir, "preprocessor_config.json")),
      scoring: siglip ? siglipScoring(cfg) : CLIP_SCORING,
    };
  },
};

/**
 * immich-app's OpenCLIP exports on the HF hub (immich-app/immich,
 * machine-learning/export/immich_model_exporter/exporters/onnx/models/openclip.py):
 * textual/model.onnx (input `text` int32 [1, context], output `embedding`, normalised),
 * visual/model.onnx (input `image` float32 [1, 3, H, W], output `embedding`, normalised), no
 * dynamic axes (batch 1); visual/preprocess_cfg.json (open_clip.get_model_preprocess_cfg), the HF
 * tokenizer saved into textual/, and open_clip's model config as config.json at the root
 * (embed_dim, text_cfg.context_length). Its server pads to context_length with tokenizer_config's
 * pad_token (immich_ml/models/clip/textual.py).
 */
export const IMMICH_OPENCLIP_LAYOUT: ModelLayout = {
  id: "immich-openclip",
  description:
    "immich-app OpenCLIP export: textual/model.onnx, visual/model.onnx, visual/preprocess_cfg.json, textual/tokenizer.json, config.json",
  markers: [
    "textual/model.onnx",
    "visual/model.onnx",
    "visual/preprocess_cfg.json",
    "textual/tokenizer.json",
    "config.json",
  ],
  detect: (files) => files.has("textual/model.onnx") && files.has("visual/model.onnx"),
  paths: (dtype) => {
    if (dtype && dtype !== "fp32") {
      throw new ModelLoadError(
        `immich-app OpenCLIP exports hold fp32 ONNX files only; dtype "${dtype}" is not available`,
        {
          hint: "Drop --dtype (or use fp32)",
        },
      );
    }
    return {
      all: [
        "textual/model.onnx",
        "visual/model.onnx",
        "visual/preprocess_cfg.json",
        "textual/tokenizer.json",
        "textual/tokenizer_config.json",
        "config.json",
      ],
      optional: ["textual/tokenizer_config.json"],
    };
  },
  async resolve(dir, dtype) {
    IMMICH_OPENCLIP_LAYOUT.paths(dtype);
    requireFiles(dir, "immich-openclip", [
      ["textual/model.onnx", "the text tower"],
      ["visual/model.onnx", "the image tower"],
      ["visual/preprocess_cfg.json", "the image preprocessing settings"],
      ["textual/tokenizer.json", "the tokenizer"],
      ["config.json", "the OpenCLIP model config"],
    ]);
    const cfg = await readJson(join(dir, "config.json"), "OpenCLIP model config");
    const textCfg = (cfg.text_config ?? cfg.text_cfg ?? {}) as Record<string, unknown>;
    const tokCfg = existsSync(join(dir, "textual/tokenizer_config.json"))
      ? await readJson(join(dir, "textual/tokenizer_config.json"), "tokenizer config")
      : {};
    // open_clip's SigLIP configs carry init_logit_bias (the sigmoid loss's bias); CLIP's do not.
    const siglip = cfg.init_logit_bias !== undefined;
    return {
      layout: "immich-openclip",
      family: siglip ? "siglip" : "clip",
      dir,
      textModel: join(dir, "textual/model.onnx"),
      visionModel: join(dir, "visual/model.onnx"),
      tokenizer: join(dir, "textual/tokenizer.json"),
      contextLength: num(textCfg.context_length) ?? 77,
      padToContext: true,
      padToken: tokenString(tokCfg.pad_token),
      eosToken: tokenString(tokCfg.eos_token),
      preprocess: await readPreprocessConfig(join(dir, "visual/preprocess_cfg.json"), "openclip"),
      scoring: siglip ? siglipScoring(cfg) : CLIP_SCORING,
    };
  },
};

/** The layouts tried, in order. */
export const MODEL_LAYOUTS: readonly ModelLayout[] = [TRANSFORMERS_JS_LAYOUT, IMMICH_OPENCLIP_LAYOUT];

export function layoutById(id: string): ModelLayout {
  const layout = MODEL_LAYOUTS.find((l) => l.id === id);
  if (!layout)
    throw new ModelLoadError(`Unknown model layout "${id}"`, {
      hint: `Known: ${MODEL_LAYOUTS.map((l) => l.id).join(", ")}`,
    });
  return layout;
}

function expectedFiles(): string {
  return MODEL_LAYOUTS.map((l) => `${l.id}: ${l.markers.join(", ")}`).join("; ");
}

/** The layout of a file listing; an unknown one is one error naming `where` and what was expected. */
export function detectLayout(files: Iterable<string>, where: string): ModelLayout {
  const set = new Set(files);
  const layout = MODEL_LAYOUTS.find((l) => l.detect(set));
  if (!layout) {
    const shown = [...set].slice(0, 12).join(", ");
    throw new ModelLoadError(
      `${where} is not in a known CLIP model layout (it has: ${shown || "no files"})`,
      {
        hint: `Expected one of: ${expectedFiles()}`,
      },
    );
  }
  return layout;
}

/** Every file under `dir`, as relative paths with "/". */
export function listFolder(dir: string, depth = 3): string[] {
  const out: string[] = [];
  const walk = (d: string, left: number) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) {
        if (left > 0) walk(p, left - 1);
      } else out.push(relative(dir, p).split("\\").join("/"));
    }
  };
  walk(dir, depth);
  return out;
}

/** Detects a local folder's layout and resolves its files. */
export async function resolveModelDir(dir: string, dtype?: string): Promise<ResolvedClipModel> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ModelLoadError(`Model directory ${dir} does not exist`, {
      hint: `Give a folder in a known layout (${expectedFiles()})`,
    });
  }
  return detectLayout(listFolder(dir), `Model directory ${dir}`).resolve(dir, dtype);
}
