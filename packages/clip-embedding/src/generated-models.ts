import { ConfigError } from "@vlmopt/core";
import type { GenerateClipOptions } from "./generate-clip-model.js";

// The generators build ONNX graphs; they are loaded only when a model is generated.
const gen = () => import("./generate-clip-model.js");
const openclip = () => import("./generate-openclip-model.js");

/** A generated random-weight model: its generator and a one-line description. */
export interface GeneratedSpec {
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

export const GENERATED: readonly GeneratedSpec[] = [
  {
    name: "tiny",
    description: "tiny CLIP ViT, transformers.js layout (tests)",
    generate: async (d, o) => (await gen()).generateTinyClip(d, o),
    quantizable: true,
    layout: "transformers.js",
  },
  {
    name: "vit-b32",
    description: "CLIP ViT-B/32's exact shape, transformers.js layout (~600 MB)",
    generate: async (d, o) => (await gen()).generateVitB32Random(d, o),
    quantizable: true,
    layout: "transformers.js",
  },
  {
    name: "tiny-rn50",
    description: "tiny CLIP ModifiedResNet, immich OpenCLIP layout (tests)",
    generate: async (d, o) => (await openclip()).generateTinyRn(d, o),
    quantizable: true,
    staticInt8: true,
    layout: "immich-openclip",
  },
  {
    name: "rn50",
    description: "CLIP RN50's exact shape, immich OpenCLIP layout (~400 MB)",
    generate: async (d, o) => (await openclip()).generateRn50Random(d, o),
    quantizable: true,
    staticInt8: true,
    layout: "immich-openclip",
  },
  {
    name: "rn101",
    description: "CLIP RN101's exact shape, immich OpenCLIP layout (~480 MB)",
    generate: async (d, o) => (await openclip()).generateRn101Random(d, o),
    quantizable: true,
    staticInt8: true,
    layout: "immich-openclip",
  },
  {
    name: "tiny-siglip",
    description: "tiny model in Xenova's SigLIP layout (tests)",
    generate: async (d, o) => (await openclip()).generateTinySiglip(d, o),
    quantizable: true,
    layout: "transformers.js",
  },
  {
    name: "siglip-b16",
    description: "SigLIP B/16's sizes (224 px, 768-d), Xenova's SigLIP layout (~800 MB; benchmarks)",
    generate: async (d, o) => (await openclip()).generateSiglipB16Random(d, o),
    quantizable: true,
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

/** The generated model `random:<name>`, or a ConfigError listing them. */
export function findGenerated(name: string, spec = `random:${name}`): GeneratedSpec {
  const found = GENERATED.find((g) => g.name === name);
  if (found) return found;
  throw new ConfigError(`Unknown generated model "${spec}"`, {
    hint: `Use one of: ${GENERATED.map((g) => `random:${g.name}`).join(", ")}`,
  });
}
