import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTinyClip } from "./generate-clip-model.js";
import { generateTinyRn, generateTinySiglip } from "./generate-openclip-model.js";
import { listFolder } from "./model-layouts.js";

const SCRIPT = fileURLToPath(new URL("../scripts/check-onnx.py", import.meta.url));
const hasOnnx = spawnSync("/usr/bin/python3", ["-c", "import onnx"]).status === 0;
if (!hasOnnx) {
  const msg =
    "[clip-embedding] python3-onnx is absent (apt-get install python3-onnx): the onnx.checker test is skipped";
  if (process.env.CI === "true") throw new Error(`${msg}; CI must install it (.ci/run)`);
  console.warn(msg);
}

interface Check {
  path: string;
  ok: boolean;
  opset?: number;
  ops?: Record<string, number>;
  error?: string;
}

describe.skipIf(!hasOnnx)("generated graphs pass onnx.checker (Debian's python3-onnx, full_check)", () => {
  let root: string;
  const checks = new Map<string, Check>();
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "vlmopt-onnx-check-"));
    await generateTinyClip(join(root, "tiny"), { builtTokenizer: true });
    await generateTinyRn(join(root, "tiny-rn50"), { builtTokenizer: true });
    await generateTinySiglip(join(root, "tiny-siglip"));
    await generateTinyClip(join(root, "tiny-q"), { builtTokenizer: true, quantized: true });
    await generateTinyRn(join(root, "tiny-rn50-q"), { builtTokenizer: true, quantized: true });
    await generateTinyRn(join(root, "tiny-rn50-s"), { builtTokenizer: true, staticInt8: true });
    const files = listFolder(root, 4)
      .filter((p) => p.endsWith(".onnx"))
      .map((p) => join(root, p));
    const out = execFileSync("/usr/bin/python3", [SCRIPT, ...files], { encoding: "utf8" });
    for (const line of out.trim().split("\n")) {
      const c = JSON.parse(line) as Check;
      checks.set(c.path.slice(root.length + 1), c);
    }
  }, 120_000);
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("every generated tower is a valid opset-17 model", () => {
    expect([...checks.keys()].sort()).toEqual(
      [
        "tiny/onnx/text_model.onnx",
        "tiny/onnx/vision_model.onnx",
        "tiny-rn50/textual/model.onnx",
        "tiny-rn50/visual/model.onnx",
        "tiny-siglip/onnx/text_model.onnx",
        "tiny-siglip/onnx/vision_model.onnx",
        "tiny-q/onnx/text_model_quantized.onnx",
        "tiny-q/onnx/vision_model_quantized.onnx",
        "tiny-rn50-q/textual/model.onnx",
        "tiny-rn50-q/visual/model.onnx",
        "tiny-rn50-s/textual/model.onnx",
        "tiny-rn50-s/visual/model.onnx",
      ].sort(),
    );
    for (const [path, c] of checks) {
      expect({ path, ok: c.ok, error: c.error }).toEqual({ path, ok: true, error: undefined });
      expect(c.opset).toBe(17);
    }
  });

  it("the ModifiedResNet tower has CLIP's op pattern (convs, average pools, attention pool)", () => {
    const ops = checks.get("tiny-rn50/visual/model.onnx")?.ops ?? {};
    // 3 stem convs + 3 per bottleneck (5 blocks) + 4 downsample convs; BatchNorm folded into them.
    expect(ops.Conv).toBe(3 + 5 * 3 + 4);
    expect(ops.BatchNormalization).toBeUndefined();
    expect(ops.AveragePool).toBe(1 + 3 * 2);
    expect(ops.Softmax).toBe(1);
  });

  it("the int8 variants use onnxruntime's dynamic-quantization ops and no float weight layers", () => {
    const rn = checks.get("tiny-rn50-q/visual/model.onnx")?.ops ?? {};
    expect(rn.ConvInteger).toBe(3 + 5 * 3 + 4);
    expect(rn.Conv).toBeUndefined();
    expect(rn.MatMulInteger).toBe(4); // q, k, v and c_proj of the attention pool
    expect(rn.DynamicQuantizeLinear).toBe((rn.ConvInteger ?? 0) + (rn.MatMulInteger ?? 0));
    const vit = checks.get("tiny-q/onnx/vision_model_quantized.onnx")?.ops ?? {};
    // 2 layers × (q, k, v, o, fc1, fc2) + the projection; the patch embedding is a ConvInteger.
    expect(vit.MatMulInteger).toBe(2 * 6 + 1);
    expect(vit.ConvInteger).toBe(1);
    expect(vit.MatMul).toBe(2 * 2); // attention scores and context (activation × activation) stay float
  });

  it("the static int8 RN variant is in QDQ form: every conv between DequantizeLinear inputs and a QuantizeLinear output", () => {
    const rn = checks.get("tiny-rn50-s/visual/model.onnx")?.ops ?? {};
    const convs = 3 + 5 * 3 + 4;
    expect(rn.Conv).toBe(convs);
    expect(rn.QuantizeLinear).toBe(2 * convs); // input and output of each conv
    expect(rn.DequantizeLinear).toBe(4 * convs); // input, weight, bias, output
    expect(checks.get("tiny-rn50-s/textual/model.onnx")?.ops?.MatMulInteger).toBeGreaterThan(0);
  });
});
