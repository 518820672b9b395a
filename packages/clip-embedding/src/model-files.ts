import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { ModelLoadError } from "@vlmopt/core";

/** The files of a CLIP model in the HF/Xenova ONNX layout. */
export interface ClipModelFiles {
  dir: string;
  textModel: string;
  visionModel: string;
  tokenizer: string;
  preprocessor: string;
  /** config.json, when present (optional). */
  config: string | undefined;
}

/** ONNX file suffix of a dtype in the Xenova layout: fp32 → "", fp16 → "_fp16", quantized → "_quantized". */
export function dtypeSuffix(dtype: string | undefined): string {
  if (!dtype || dtype === "fp32") return "";
  return `_${dtype}`;
}

/** The repo-relative paths a model of this dtype needs. */
export function clipModelPaths(dtype?: string): string[] {
  const s = dtypeSuffix(dtype);
  return [
    `onnx/text_model${s}.onnx`,
    `onnx/vision_model${s}.onnx`,
    "tokenizer.json",
    "preprocessor_config.json",
    "config.json",
  ];
}

/** Finds the model's files in `dir`; a missing file is a ModelLoadError naming it. */
export function resolveClipModelFiles(dir: string, dtype?: string): ClipModelFiles {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ModelLoadError(`Model directory ${dir} does not exist`, {
      hint: "Give a folder in the HF layout (onnx/text_model.onnx, onnx/vision_model.onnx, tokenizer.json, preprocessor_config.json)",
    });
  }
  const [text, vision, tokenizer, preprocessor, config] = clipModelPaths(dtype).map((p) => join(dir, p)) as [
    string,
    string,
    string,
    string,
    string,
  ];
  for (const [path, what] of [
    [text, "the text tower"],
    [vision, "the vision tower"],
    [tokenizer, "the tokenizer"],
    [preprocessor, "the image preprocessing settings"],
  ] as const) {
    if (!existsSync(path)) {
      const available = existsSync(join(dir, "onnx")) ? " (see which dtypes onnx/ holds)" : "";
      throw new ModelLoadError(`Model directory ${dir} is missing ${path} (${what})`, {
        hint: `A CLIP model folder needs ${clipModelPaths(dtype).slice(0, 4).join(", ")}${available}`,
      });
    }
  }
  return {
    dir,
    textModel: text,
    visionModel: vision,
    tokenizer,
    preprocessor,
    config: existsSync(config) ? config : undefined,
  };
}
