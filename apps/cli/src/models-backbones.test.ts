import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryIo } from "./io.js";
import { run } from "./main.js";

// The real registry (createRegistry) with clip-embedding: backbone ids, layouts, --dtype, --device.
describe("vlmopt models (backbones)", () => {
  it("models list names each id's layout and HF repo, and the generated models", async () => {
    const io = memoryIo();
    expect(await run(["models", "list"], io)).toBe(0);
    const row = (id: string) => io.outText.split("\n").find((l) => l.startsWith(`${id} `)) ?? "";
    expect(row("clip-rn50")).toMatch(/immich-openclip\s+immich-app\/RN50__openai/);
    expect(row("clip-rn101")).toMatch(/immich-openclip\s+immich-app\/RN101__openai/);
    expect(row("clip-vit-b32")).toMatch(/transformers\.js\s+Xenova\/clip-vit-base-patch32/);
    expect(row("siglip-b16")).toMatch(/transformers\.js\s+Xenova\/siglip-base-patch16-224/);
    expect(row("random:rn50@quantized")).toMatch(/generated/);
  });

  it("models download passes --dtype to the generated models and --device to onnxruntime", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "vlmopt-cli-backbones-"));
    const ok = memoryIo();
    const code = await run(
      [
        "models",
        "download",
        "random:tiny-rn50",
        "--dtype",
        "quantized",
        "--cache-dir",
        cacheDir,
        "--threads",
        "1",
      ],
      ok,
    );
    expect(code).toBe(0);
    expect(ok.outText).toMatch(/random:tiny-rn50@quantized: ready \(dim 12/);
    const bad = memoryIo();
    expect(
      await run(["models", "download", "random:tiny", "--device", "tpu", "--cache-dir", cacheDir], bad),
    ).not.toBe(0);
    expect(bad.errText).toMatch(/Unknown device "tpu"/);
  });
});
