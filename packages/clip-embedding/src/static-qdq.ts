import * as ort from "onnxruntime-node";
import type { Tensor } from "./clip-architecture.js";
import { FP32_EMITTER, type LayerEmitter } from "./layer-emitter.js";
import { type OnnxGraphBuilder, OnnxType } from "./onnx-builder.js";

/** Observed range of a conv's input and output on calibration images. */
export interface ConvRange {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/**
 * An fp32 emitter that also exposes every conv's input and output as graph outputs, so that one
 * run on calibration images gives their ranges (onnxruntime's MinMax calibration, in spirit).
 */
export function calibrationEmitter(): { emitter: LayerEmitter; taps: Map<string, { x: string; y: string }> } {
  const taps = new Map<string, { x: string; y: string }>();
  return {
    taps,
    emitter: {
      id: "calibration",
      conv(g, x, name, w, b, attrs) {
        const y = FP32_EMITTER.conv(g, x, name, w, b, attrs);
        const xo = g.op("Identity", [x], {}, `calib.${name}.x`);
        const yo = g.op("Identity", [y], {}, `calib.${name}.y`);
        g.output(xo, OnnxType.FLOAT, ["n", "c", "h", "w"]);
        g.output(yo, OnnxType.FLOAT, ["n", "c", "h", "w"]);
        taps.set(name, { x: xo, y: yo });
        return y;
      },
      linear: FP32_EMITTER.linear,
    },
  };
}

/** Runs the calibration graph on `inputs` ([1, 3, H, W] each) and returns each conv's ranges. */
export async function calibrate(
  modelPath: string,
  inputName: string,
  taps: Map<string, { x: string; y: string }>,
  inputs: readonly Float32Array[],
  hw: [number, number],
): Promise<Map<string, ConvRange>> {
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 1,
    graphOptimizationLevel: "basic",
  });
  const ranges = new Map<string, ConvRange>();
  try {
    for (const px of inputs) {
      const out = await session.run({ [inputName]: new ort.Tensor("float32", px, [1, 3, hw[0], hw[1]]) });
      for (const [name, t] of taps) {
        const r = ranges.get(name) ?? { xMin: 0, xMax: 0, yMin: 0, yMax: 0 };
        for (const v of (out[t.x] as ort.Tensor).data as Float32Array) {
          if (v < r.xMin) r.xMin = v;
          if (v > r.xMax) r.xMax = v;
        }
        for (const v of (out[t.y] as ort.Tensor).data as Float32Array) {
          if (v < r.yMin) r.yMin = v;
          if (v > r.yMax) r.yMax = v;
        }
        ranges.set(name, r);
      }
    }
  } finally {
    await session.release();
  }
  return ranges;
}

/** uint8 asymmetric activation parameters for a range (which always includes 0). */
function activationParams(min: number, max: number): { scale: number; zero: number } {
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  return { scale, zero: Math.max(0, Math.min(255, Math.round(-lo / scale))) };
}

/**
 * Static QDQ convs (the QDQ format onnxruntime's `quantize_static` writes, which its graph
 * optimiser turns into QLinearConv): DequantizeLinear(QuantizeLinear(x)) with calibrated uint8
 * scales on each conv's input and output, per-output-channel symmetric int8 weights, int32 bias at
 * scale x_scale·w_scale. Linear layers stay fp32.
 */
export function staticQdqEmitter(ranges: Map<string, ConvRange>): LayerEmitter {
  const qdq = (g: OnnxGraphBuilder, x: string, name: string, scale: number, zero: number) => {
    const s = g.init(`${name}.scale`, [], Float32Array.of(scale));
    const z = g.init(`${name}.zero_point`, [], Uint8Array.of(zero));
    return g.op("DequantizeLinear", [g.op("QuantizeLinear", [x, s, z]), s, z]);
  };
  return {
    id: "static-qdq",
    linear: FP32_EMITTER.linear,
    conv(g, x, name, w: Tensor, b: Tensor | undefined, attrs) {
      const r = ranges.get(name);
      if (!r) throw new Error(`no calibration range for ${name}`);
      const a = activationParams(r.xMin, r.xMax);
      const xd = qdq(g, x, `${name}.input`, a.scale, a.zero);
      const out = w.dims[0] as number;
      const per = w.data.length / out;
      const wq = new Int8Array(w.data.length);
      const ws = new Float32Array(out);
      for (let o = 0; o < out; o++) {
        let max = 0;
        for (let i = 0; i < per; i++) max = Math.max(max, Math.abs(w.data[o * per + i] as number));
        const s = max > 0 ? max / 127 : 1;
        ws[o] = s;
        for (let i = 0; i < per; i++)
          wq[o * per + i] = Math.max(-127, Math.min(127, Math.round((w.data[o * per + i] as number) / s)));
      }
      const wd = g.op(
        "DequantizeLinear",
        [
          g.init(`${name}.weight_quantized`, w.dims, wq),
          g.init(`${name}.weight_scale`, [out], ws),
          g.init(`${name}.weight_zero_point`, [out], new Int8Array(out)),
        ],
        { axis: 0 },
      );
      const inputs = [xd, wd];
      if (b) {
        const bs = Float32Array.from(ws, (s) => s * a.scale);
        const bq = Int32Array.from(b.data, (v, o) => Math.round(v / (bs[o] as number)));
        inputs.push(
          g.op(
            "DequantizeLinear",
            [
              g.init(`${name}.bias_quantized`, [out], bq),
              g.init(`${name}.bias_scale`, [out], bs),
              g.init(`${name}.bias_zero_point`, [out], new Int32Array(out)),
            ],
            { axis: 0 },
          ),
        );
      }
      const y = g.op("Conv", inputs, attrs);
      const o = activationParams(r.yMin, r.yMax);
      return qdq(g, y, `${name}.output`, o.scale, o.zero);
    },
  };
}
