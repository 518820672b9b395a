import type { Tensor } from "./clip-architecture.js";
import type { OnnxGraphBuilder } from "./onnx-builder.js";

/**
 * How a graph builder emits its weight layers: fp32 Conv / MatMul here; quantize-graph.ts emits
 * the same layers in onnxruntime's int8 op patterns. `name` prefixes the initializers.
 */
export interface LayerEmitter {
  readonly id: string;
  conv(
    g: OnnxGraphBuilder,
    x: string,
    name: string,
    w: Tensor,
    b: Tensor | undefined,
    attrs: Record<string, number[]>,
  ): string;
  /** y = x·W + b with W stored [in, out]. */
  linear(g: OnnxGraphBuilder, x: string, name: string, w: Tensor, b: Tensor | undefined): string;
}

export const FP32_EMITTER: LayerEmitter = {
  id: "fp32",
  conv(g, x, name, w, b, attrs) {
    const inputs = [x, g.init(`${name}.weight`, w.dims, w.data)];
    if (b) inputs.push(g.init(`${name}.bias`, b.dims, b.data));
    return g.op("Conv", inputs, attrs);
  },
  linear(g, x, name, w, b) {
    const y = g.op("MatMul", [x, g.init(`${name}.weight`, w.dims, w.data)]);
    return b ? g.op("Add", [y, g.init(`${name}.bias`, b.dims, b.data)]) : y;
  },
};
