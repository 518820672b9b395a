import { ConfigError } from "@vlmopt/core";

export interface ModelInfo {
  /** Short id, e.g. "clip-vit-b32". */
  id: string;
  /** Hugging Face repo with the ONNX export. */
  hfRepo: string;
  /** Embedding size. */
  dims: number;
  /** ONNX variants in the repo (file suffix: fp32 "", fp16 "_fp16", quantized "_quantized"). */
  dtypes: string[];
  description: string;
}

const MODELS: readonly ModelInfo[] = [
  {
    id: "clip-vit-b32",
    hfRepo: "Xenova/clip-vit-base-patch32",
    dims: 512,
    dtypes: ["fp32", "fp16", "quantized"],
    description: "OpenAI CLIP ViT-B/32 (151M params, ~600 MB fp32)",
  },
  {
    id: "clip-vit-b16",
    hfRepo: "Xenova/clip-vit-base-patch16",
    dims: 512,
    dtypes: ["fp32", "fp16", "quantized"],
    description: "OpenAI CLIP ViT-B/16 (150M params, ~600 MB fp32; ~4x the image compute of B/32)",
  },
  {
    id: "clip-vit-l14",
    hfRepo: "Xenova/clip-vit-large-patch14",
    dims: 768,
    dtypes: ["fp32", "fp16", "quantized"],
    description: "OpenAI CLIP ViT-L/14 (428M params, ~1.7 GB fp32)",
  },
];

/** The models `vlmopt models download <id>` knows. */
export function listModels(): ModelInfo[] {
  return MODELS.map((m) => ({ ...m, dtypes: [...m.dtypes] }));
}

/** Splits "clip-vit-b32@fp16" into the registry entry and dtype; undefined when not a registry id. */
export function parseRegistrySpec(spec: string): { model: ModelInfo; dtype: string } | undefined {
  const [id, dtype] = spec.split("@") as [string, string | undefined];
  const model = MODELS.find((m) => m.id === id);
  if (!model) return undefined;
  const d = dtype ?? "fp32";
  if (!model.dtypes.includes(d)) {
    throw new ConfigError(`Model "${id}" has no dtype "${d}"`, {
      hint: `Use one of: ${model.dtypes.map((x) => `${id}@${x}`).join(", ")}`,
    });
  }
  return { model: { ...model }, dtype: d };
}
