export * from "./cache-dirs.js";
export * from "./clip-architecture.js";
export * from "./clip-tokenizer.js";
export * from "./disk-embedding-cache.js";
export * from "./feature-store-error.js";
export * from "./generate-clip-model.js";
export * from "./generate-openclip-model.js";
export * from "./generated-models.js";
export * from "./hf-hub-download.js";
export * from "./image-preprocess.js";
export * from "./load-clip-encoder.js";
export * from "./model-files.js";
export * from "./model-layouts.js";
export * from "./model-registry.js";
export * from "./onnx-clip-encoder.js";
export {
  type ChwSink,
  pilBicubicResizeRgb,
  pilResizeRgb,
  type ResampleFilter,
  type ResampleWindow,
} from "./pil-resample.js";
export * from "./plugins.js";
export * from "./resnet-architecture.js";
export * from "./scoring.js";
export { buildTinyClipTokenizerJson, CLIP_BOS_ID, CLIP_EOS_ID } from "./tiny-tokenizer.js";
