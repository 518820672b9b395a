import type { Tensor } from "./clip-architecture.js";
import type { LayerEmitter } from "./layer-emitter.js";
import { type OnnxGraphBuilder, OnnxType } from "./onnx-builder.js";

/** Symmetric per-tensor int8 weights: q = round(w / scale), scale = max|w| / 127, zero point 0. */
export function quantizeSymmetric(data: Float32Array): { q: Int8Array; scale: number } {
  let max = 0;
  for (const v of data) max = Math.max(max, Math.abs(v));
  const scale = max > 0 ? max / 127 : 1;
  const q = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++)
    q[i] = Math.max(-127, Math.min(127, Math.round((data[i] as number) / scale)));
  return { q, scale };
}

/**
 * The op pattern onnxruntime's `quantize_dynamic` writes (and so the hub's `*_quantized.onnx`
 * files hold): each weight layer's input goes through DynamicQuantizeLinear (uint8, scale and zero
 * point computed per call), the layer runs as MatMulInteger / ConvInteger on int8 weights, and the
 * int32 result is Cast to float and scaled by x_scale·w_scale, then the float bias is added
 * (onnxruntime/python/tools/quantization/operators/matmul.py, conv.py: "MatMulInteger" /
 * "ConvInteger" + Cast + Mul). onnxruntime fuses the MatMul form into DynamicQuantizeMatMul.
 * Weights: symmetric per-tensor int8.
 */
export const DYNAMIC_INT8_EMITTER: LayerEmitter = {
  id: "dynamic-int8",
  linear(g, x, name, w, b) {
    return integerLayer(g, "MatMulInteger", x, name, w, b, {});
  },
  conv(g, x, name, w, b, attrs) {
    return integerLayer(g, "ConvInteger", x, name, w, b, attrs);
  },
};

function integerLayer(
  g: OnnxGraphBuilder,
  op: "MatMulInteger" | "ConvInteger",
  x: string,
  name: string,
  w: Tensor,
  b: Tensor | undefined,
  attrs: Record<string, number[]>,
): string {
  const { q, scale } = quantizeSymmetric(w.data);
  const [xq, xScale, xZero] = g.opN("DynamicQuantizeLinear", [x], 3) as [string, string, string];
  const wq = g.init(`${name}.weight_quantized`, w.dims, q);
  const wZero = g.init(`${name}.weight_zero_point`, [], Int8Array.of(0));
  const y32 = g.op(op, [xq, wq, xZero, wZero], op === "ConvInteger" ? attrs : {});
  const yf = g.op("Cast", [y32], { to: OnnxType.FLOAT });
  const s = g.op("Mul", [xScale, g.init(`${name}.weight_scale`, [], Float32Array.of(scale))]);
  let y = g.op("Mul", [yf, s]);
  if (b) {
    const bias =
      op === "ConvInteger"
        ? g.init(`${name}.bias`, [1, b.data.length, 1, 1], b.data)
        : g.init(`${name}.bias`, b.dims, b.data);
    y = g.op("Add", [y, bias]);
  }
  return y;
}
