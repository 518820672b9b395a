import { ConfigError } from "@vlmopt/core";

export interface ModelInfo {
  /** Short id, e.g. "clip-vit-b32". */
  id: string;
  /** Hugging Face repo with the ONNX export. */
  hfRepo: string;
  /** The repo's file layout (model-layouts.ts). */
  layout: "transformers.js" | "immich-openclip";
  /** Embedding size. */
  dims: number;
  /** ONNX variants in the repo (transformers.js file suffix: fp32 "", fp16 "_fp16", quantized "_quantized"). */
  dtypes: string[];
  description: string;
  /** Pad every text to the context length, for text towers that only take that many tokens. */
  padToContext?: boolean;
  /**
   * SigLIP: the original PyTorch checkpoint repo whose model.safetensors holds the learned
   * `logit_scale` / `logit_bias` weights the ONNX export lacks (read by HTTP Range, see siglip-logits.ts).
   */
  checkpointRepo?: string;
}

const XENOVA_DTYPES = ["fp32", "fp16", "quantized"];

// immich-app repos: the exports of immich's openclip.py (see model-layouts.ts), fp32 ONNX only.
const MODELS: readonly ModelInfo[] = [
  {
    id: "clip-rn50",
    hfRepo: "immich-app/RN50__openai",
    layout: "immich-openclip",
    dims: 1024,
    dtypes: ["fp32"],
    description: "OpenAI CLIP RN50, the paper's main backbone (102M params)",
  },
  {
    id: "clip-rn101",
    hfRepo: "immich-app/RN101__openai",
    layout: "immich-openclip",
    dims: 512,
    dtypes: ["fp32"],
    description: "OpenAI CLIP RN101 (120M params), a transfer target in the paper",
  },
  {
    id: "clip-vit-b32",
    hfRepo: "Xenova/clip-vit-base-patch32",
    layout: "transformers.js",
    dims: 512,
    dtypes: XENOVA_DTYPES,
    description: "OpenAI CLIP ViT-B/32 (151M params, ~600 MB fp32)",
  },
  {
    id: "clip-vit-b16",
    hfRepo: "Xenova/clip-vit-base-patch16",
    layout: "transformers.js",
    dims: 512,
    dtypes: XENOVA_DTYPES,
    description: "OpenAI CLIP ViT-B/16 (150M params, ~600 MB fp32; ~4x the image compute of B/32)",
  },
  {
    id: "clip-vit-l14",
    hfRepo: "Xenova/clip-vit-large-patch14",
    layout: "transformers.js",
    dims: 768,
    dtypes: XENOVA_DTYPES,
    description: "OpenAI CLIP ViT-L/14 (428M params, ~1.7 GB fp32)",
  },
  {
    id: "openclip-vit-b32-laion2b",
    hfRepo: "immich-app/ViT-B-32__laion2b-s34b-b79k",
    layout: "immich-openclip",
    dims: 512,
    dtypes: ["fp32"],
    description: "OpenCLIP ViT-B/32 trained on LAION-2B",
  },
  {
    id: "openclip-vit-h14-laion2b",
    hfRepo: "immich-app/ViT-H-14__laion2b-s32b-b79k",
    layout: "immich-openclip",
    dims: 1024,
    dtypes: ["fp32"],
    description: "OpenCLIP ViT-H/14 trained on LAION-2B (986M params, ~4 GB)",
  },
  {
    id: "siglip-b16",
    hfRepo: "Xenova/siglip-base-patch16-224",
    layout: "transformers.js",
    dims: 768,
    dtypes: XENOVA_DTYPES,
    description: "Google SigLIP ViT-B/16 224px (sigmoid scoring, SentencePiece tokenizer, 64 tokens)",
    // transformers' SigLIP docs load this model as `AutoModel.from_pretrained("google/siglip-base-patch16-224")`
    // (src/transformers/models/siglip/modeling_siglip.py, SiglipModel.get_text_features example).
    checkpointRepo: "google/siglip-base-patch16-224",
  },
  {
    id: "siglip-b16-webli",
    hfRepo: "immich-app/ViT-B-16-SigLIP__webli",
    layout: "immich-openclip",
    dims: 768,
    dtypes: ["fp32"],
    description: "SigLIP ViT-B/16 (WebLI) as exported by immich from OpenCLIP",
  },
  {
    id: "mobileclip-s0",
    hfRepo: "Xenova/mobileclip_s0",
    layout: "transformers.js",
    dims: 512,
    dtypes: XENOVA_DTYPES,
    // https://huggingface.co/Xenova/mobileclip_s0/tree/main: config.json (26 bytes), preprocessor_config.json,
    // tokenizer.json, tokenizer_config.json, onnx/{text,vision}_model{,_fp16,_quantized,_int8,_uint8,_q4,_bnb4}.onnx;
    // loaded by transformers.js as CLIPText/VisionModelWithProjection (text: input_ids only). Apple's
    // text tower has no causal mask and tokenizes with open_clip's tokenizer padded to context_length 77
    // (apple/ml-mobileclip mobileclip/configs/mobileclip_s0.json, mobileclip/modules/text/tokenizer.py),
    // so texts are padded to 77 with tokenizer_config.json's pad_token. Images: 256 px, no mean/std
    // (do_normalize false; Apple's transform: Resize(256, BILINEAR), CenterCrop, ToTensor). See
    // mobileclip-layout.test.ts for the stand-in with this file list.
    padToContext: true,
    description: "Apple MobileCLIP-S0 (small and fast; transformers.js layout, texts padded to 77 tokens)",
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
